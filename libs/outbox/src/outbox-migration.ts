import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of one service's schema: one row per change, its messages framed in `messages`
 * (see outbox-frame.ts). Rows are deleted by the relay once the broker acknowledged them, and the
 * relay vacuums the table itself: it stays small on a Postgres with `autovacuum = off`.
 * `toast_tuple_target` keeps a change's frame (usually under 2 KB) inline and uncompressed.
 */
export function outboxTableSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE ${s}.outbox (
      seq bigserial PRIMARY KEY,
      aggregateid text NOT NULL,
      messages bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    ) WITH (toast_tuple_target = 8160)`,
    `ALTER TABLE ${s}.outbox ALTER COLUMN messages SET STORAGE EXTERNAL`,
    `COMMENT ON TABLE ${s}.outbox IS 'Transactional outbox: one row per change with its framed Kafka messages, published by the relay and deleted after the broker acked them'`,
    `CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
  ];
}

export function dropOutboxSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [`DROP TABLE ${s}.outbox`, `DROP FUNCTION ${s}.outbox_notify()`];
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
      for (const sql of dropOutboxSql(schema)) await runner.query(sql);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
