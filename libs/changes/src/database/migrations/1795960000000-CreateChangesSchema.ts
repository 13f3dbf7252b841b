import type { MigrationInterface, QueryRunner } from 'typeorm';
import { consumerOffsetTableSql } from '@stafett/entity-pipeline';

/**
 * The change log of `GET /v1/changes`, in its own Postgres schema `changes`:
 * - `change`: one row per consumed change event, in the order it was appended (`seq`, the cursor).
 *   `event` is `json`, not `jsonb`: it is only ever read back whole, and `json` keeps the contract's
 *   key order and any text the topic carried (`jsonb` refuses `\u0000`).
 * - `consumer_offset`: the next offset per events topic partition, moved in the transaction that
 *   appends (a redelivered event is never appended twice).
 * - `organisation_edge`: parent → child edges of the organisations seen on the log (parentId and
 *   federations), for the subtrees of organisation-scoped keys.
 */
export class CreateChangesSchema1795960000000 implements MigrationInterface {
  name = 'CreateChangesSchema1795960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "changes"`);
    await q.query(`
      CREATE TABLE "changes"."change" (
        "seq" bigserial PRIMARY KEY,
        "entity" text NOT NULL,
        "entity_id" uuid NOT NULL,
        "version" bigint NOT NULL,
        "op" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "event" json NOT NULL,
        "organisation_ids" uuid[] NOT NULL DEFAULT '{}'
      )`);
    // ?entity= pages by seq within one entity; erasure finds an entity's rows; retention the oldest.
    await q.query(`CREATE INDEX "ix_change_entity_seq" ON "changes"."change" ("entity", "seq")`);
    await q.query(`CREATE INDEX "ix_change_entity_id" ON "changes"."change" ("entity_id")`);
    await q.query(`CREATE INDEX "ix_change_occurred_at" ON "changes"."change" ("occurred_at")`);
    for (const sql of consumerOffsetTableSql('changes')) await q.query(sql);
    await q.query(`
      CREATE TABLE "changes"."organisation_edge" (
        "parent_id" uuid NOT NULL,
        "child_id" uuid NOT NULL,
        PRIMARY KEY ("parent_id", "child_id")
      )`);
    await q.query(`CREATE INDEX "ix_organisation_edge_child" ON "changes"."organisation_edge" ("child_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "changes"."organisation_edge"`);
    await q.query(`DROP TABLE "changes"."consumer_offset"`);
    await q.query(`DROP TABLE "changes"."change"`);
    await q.query(`DROP SCHEMA "changes"`);
  }
}
