import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Debezium's outbox columns (id, aggregatetype, aggregateid, type, payload) plus ours. */
export function outboxTableSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE ${s}.outbox (
      seq bigserial PRIMARY KEY,
      id uuid NOT NULL,
      aggregatetype varchar(64) NOT NULL,
      aggregateid varchar(255) NOT NULL,
      type varchar(64) NOT NULL,
      topic varchar(249) NOT NULL,
      key varchar(512),
      payload bytea,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `COMMENT ON TABLE ${s}.outbox IS 'Transactional outbox: rows written with the entity change, published to Kafka by the relay and deleted after the broker acked them'`,
    `CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
  ];
}

/** The NOTIFY channel the relay listens on. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain lower-case identifier`);
  return `"${name}"`;
}

/**
 * A TypeORM migration class creating `<schema>.outbox`, for the service that owns the schema
 * (one outbox per service). `timestamp` keeps migration order stable.
 */
export function outboxMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const name = `CreateOutbox${schema.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}${timestamp}`;
  const migration = class implements MigrationInterface {
    name = name;

    async up(runner: QueryRunner): Promise<void> {
      for (const sql of outboxTableSql(schema)) await runner.query(sql);
    }

    async down(runner: QueryRunner): Promise<void> {
      const s = quoteIdent(schema);
      await runner.query(`DROP TABLE ${s}.outbox`);
      await runner.query(`DROP FUNCTION ${s}.outbox_notify()`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
