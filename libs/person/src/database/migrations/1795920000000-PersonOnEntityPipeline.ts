import type { MigrationInterface, QueryRunner } from 'typeorm';
import { consumerOffsetTableSql } from '@stafett/entity-pipeline';
import { outboxTableSql } from '@stafett/outbox';

/**
 * The person schema moves onto the shared entity pipeline:
 * - `external_id` becomes the pipeline's link table (`entity_id`, no foreign key: the pipeline
 *   writes and deletes links with their person, and the key check locked the person row per link);
 * - `processed_record` (a row per applied record) gives way to `consumer_offset` (a row per partition);
 * - the outbox holds one row per change with its framed messages (the relay fans them out).
 * An outbox of the old shape must be empty (let the relay drain it first).
 */
export class PersonOnEntityPipeline1795920000000 implements MigrationInterface {
  name = 'PersonOnEntityPipeline1795920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person"."external_id" DROP CONSTRAINT "external_id_person_id_fkey"`);
    await q.query(`ALTER TABLE "person"."external_id" RENAME COLUMN "person_id" TO "entity_id"`);
    await q.query(`ALTER INDEX "person"."ix_external_id_person" RENAME TO "ix_external_id_entity"`);
    await q.query(`DROP TABLE "person"."processed_record"`);
    for (const sql of consumerOffsetTableSql('person')) await q.query(sql);
    const old = (await q.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = 'person' AND table_name = 'outbox' AND column_name = 'payload'`)) as unknown[];
    if (old.length > 0) {
      const [{ n }] = (await q.query(`SELECT count(*)::int AS n FROM "person"."outbox"`)) as { n: number }[];
      if (n > 0) throw new Error(`person.outbox still holds ${n} unpublished row(s) of the old shape: run the previous version until its relay has drained them, then migrate`);
      await q.query(`DROP TABLE "person"."outbox"`);
      await q.query(`DROP FUNCTION "person"."outbox_notify"()`);
      for (const sql of outboxTableSql('person')) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "person"."consumer_offset"`);
    await q.query(`CREATE TABLE "person"."processed_record" ("record_id" uuid PRIMARY KEY, "processed_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`COMMENT ON TABLE "person"."processed_record" IS 'Import record ids already applied: a redelivered record is skipped'`);
    await q.query(`ALTER INDEX "person"."ix_external_id_entity" RENAME TO "ix_external_id_person"`);
    await q.query(`ALTER TABLE "person"."external_id" RENAME COLUMN "entity_id" TO "person_id"`);
    await q.query(`ALTER TABLE "person"."external_id" ADD CONSTRAINT "external_id_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"."person" ("id") ON DELETE CASCADE`);
  }
}
