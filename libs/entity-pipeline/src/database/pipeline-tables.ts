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
  const s = quoteIdent(schema);
  return schemaMigration('CreateEntityPipeline', schema, timestamp, {
    up: [...outboxTableSql(schema), ...externalIdTableSql(schema), ...consumerOffsetTableSql(schema)],
    down: [`DROP TABLE ${s}.consumer_offset`, `DROP TABLE ${s}.external_id`, ...dropOutboxSql(schema)],
  });
}

/**
 * A TypeORM migration class running `up` (or `down`) statement by statement, named
 * `<kind><Schema in PascalCase><timestamp>` (the name TypeORM records, so it must never change).
 */
function schemaMigration(kind: string, schema: string, timestamp: number, sql: { up: readonly string[]; down: readonly string[] }): new () => MigrationInterface {
  const name = `${kind}${schema.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}${timestamp}`;
  const migration = class implements MigrationInterface {
    name = name;
    async up(runner: QueryRunner): Promise<void> {
      for (const statement of sql.up) await runner.query(statement);
    }
    async down(runner: QueryRunner): Promise<void> {
      for (const statement of sql.down) await runner.query(statement);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/**
 * The tables of cross-entity references, in each domain's schema:
 * - `known_entity`, `known_link`: this service's projection of other entities' state topics
 *   (id, version, natural key, organisation type and membership, external-id links), so references
 *   resolve without reading another service's tables (DESIGN §1);
 * - `organisation_edge`: parent → child edges of the projected organisations (parent and
 *   federations), for organisation subtrees (scoped API keys);
 * - `parked_record`, `parked_reference`: import records waiting for an entity they reference, with
 *   the keys (`id:…`, `link:…`, `key:…`) whose appearance wakes them (`next_attempt` = now), retried
 *   with backoff in any case, and a deadline after which they are rejected with UNKNOWN_REFERENCE.
 */
export function referenceTablesSql(schema: string): string[] {
  return [...projectionTablesSql(schema), ...parkingTablesSql(schema)];
}

/** The projection of foreign entities' state topics: `known_entity`, `known_link`, `organisation_edge`. */
export function projectionTablesSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE TABLE ${s}.known_entity (
      entity text NOT NULL,
      id uuid NOT NULL,
      version bigint NOT NULL,
      natural_key text,
      type text,
      organisation_ids uuid[] NOT NULL DEFAULT '{}',
      removed boolean NOT NULL DEFAULT false,
      PRIMARY KEY (entity, id)
    )`,
    `CREATE INDEX ix_known_entity_natural_key ON ${s}.known_entity (entity, natural_key) WHERE natural_key IS NOT NULL`,
    `CREATE TABLE ${s}.known_link (
      entity text NOT NULL,
      system text NOT NULL,
      external_id text NOT NULL,
      id uuid NOT NULL,
      PRIMARY KEY (entity, system, external_id)
    )`,
    `CREATE INDEX ix_known_link_id ON ${s}.known_link (entity, id)`,
    `CREATE TABLE ${s}.organisation_edge (
      parent_id uuid NOT NULL,
      child_id uuid NOT NULL,
      PRIMARY KEY (parent_id, child_id)
    )`,
    `CREATE INDEX ix_organisation_edge_child ON ${s}.organisation_edge (child_id)`,
  ];
}

/** The parking lot: `parked_record`, `parked_reference`. */
export function parkingTablesSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE TABLE ${s}.parked_record (
      record_id uuid PRIMARY KEY,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      system text NOT NULL,
      external_id text NOT NULL,
      record bytea NOT NULL,
      scope uuid,
      parked_at timestamptz NOT NULL,
      deadline timestamptz NOT NULL,
      next_attempt timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 1
    )`,
    `CREATE INDEX ix_parked_record_link ON ${s}.parked_record (system, external_id, parked_at)`,
    `CREATE INDEX ix_parked_record_next_attempt ON ${s}.parked_record (next_attempt)`,
    `CREATE TABLE ${s}.parked_reference (
      ref_key text NOT NULL,
      record_id uuid NOT NULL,
      PRIMARY KEY (ref_key, record_id)
    )`,
    `CREATE INDEX ix_parked_reference_record ON ${s}.parked_reference (record_id)`,
  ];
}

export function dropReferenceTablesSql(schema: string): string[] {
  const s = quoteIdent(schema);
  return ['parked_reference', 'parked_record', 'organisation_edge', 'known_link', 'known_entity'].map((t) => `DROP TABLE ${s}.${t}`);
}

/** A migration creating the reference tables (projections, parking) in `schema`. */
export function entityReferencesMigration(schema: string, timestamp: number): new () => MigrationInterface {
  return schemaMigration('CreateEntityReferences', schema, timestamp, { up: referenceTablesSql(schema), down: dropReferenceTablesSql(schema) });
}

/**
 * A migration creating the projection that the services of one process share (`SharedReferences`):
 * the schema, its projection tables and the projection consumer's stored offsets. The services'
 * parking lots stay in their own schemas.
 */
export function sharedReferencesMigration(schema: string, timestamp: number): new () => MigrationInterface {
  return schemaMigration('CreateSharedReferences', schema, timestamp, {
    up: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`, ...projectionTablesSql(schema), ...consumerOffsetTableSql(schema)],
    down: [`DROP SCHEMA ${quoteIdent(schema)} CASCADE`],
  });
}
