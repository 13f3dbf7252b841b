import { dropOutboxSql, outboxTableSql, quoteIdent } from '@stafett/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables the pipeline keeps in each domain's schema beside the domain's own:
 * - `external_id`: the (source system, external id) → entity links, the first match key. No
 *   foreign key: the pipeline writes and deletes links with their entity in one transaction, and a
 *   foreign-key check would lock the entity row for every link inserted.
 * - `consumer_offset`: the next import offset per topic partition, written in the transaction that
 *   applied the records before it. A redelivered record (a crash before the Kafka offset commit, a
 *   group reset to earliest) is recognised by its offset: no row per record.
 * - `outbox`: one row per change (see @stafett/outbox).
 */
export function externalIdTableSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE TABLE ${s}.external_id (
      system text NOT NULL,
      external_id text NOT NULL,
      entity_id uuid NOT NULL,
      position smallint NOT NULL,
      PRIMARY KEY (system, external_id)
    )`,
    `CREATE INDEX ix_external_id_entity ON ${s}.external_id (entity_id)`,
  ];
}

export function consumerOffsetTableSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE TABLE ${s}.consumer_offset (
      topic text NOT NULL,
      partition integer NOT NULL,
      next_offset bigint NOT NULL,
      PRIMARY KEY (topic, partition)
    )`,
    `COMMENT ON TABLE ${s}.consumer_offset IS 'Import records applied up to next_offset (exclusive) per topic partition; recreating an imports topic needs its rows deleted'`,
  ];
}

/** A migration creating the pipeline's tables in `schema` (for a domain that starts on the pipeline). */
export function entityPipelineMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const name = `CreateEntityPipeline${schema.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}${timestamp}`;
  const migration = class implements MigrationInterface {
    name = name;
    async up(runner: QueryRunner): Promise<void> {
      for (const sql of [...outboxTableSql(schema), ...externalIdTableSql(schema), ...consumerOffsetTableSql(schema)]) await runner.query(sql);
    }
    async down(runner: QueryRunner): Promise<void> {
      const s = quoteIdent(schema);
      await runner.query(`DROP TABLE ${s}.consumer_offset`);
      await runner.query(`DROP TABLE ${s}.external_id`);
      for (const sql of dropOutboxSql(schema)) await runner.query(sql);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
