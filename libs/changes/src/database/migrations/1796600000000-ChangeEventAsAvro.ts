import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `changes.change` keeps each event as the bytes the events topic carried (`avro`: the Confluent wire
 * format, the writer schema's id first) instead of JSON text. The consumer no longer converts every
 * event to JSON, and Postgres no longer parses it: the API renders the few rows a page reads.
 * Rows appended before this migration keep their `event` JSON and are answered from it; a row has
 * one or the other. `NOT VALID`: the old rows all have `event`, and the check needs no scan of them.
 */
export class ChangeEventAsAvro1796600000000 implements MigrationInterface {
  name = 'ChangeEventAsAvro1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "changes"."change" ADD COLUMN "avro" bytea`);
    await q.query(`ALTER TABLE "changes"."change" ALTER COLUMN "event" DROP NOT NULL`);
    await q.query(`ALTER TABLE "changes"."change" ADD CONSTRAINT "ck_change_event_or_avro" CHECK (("event" IS NULL) <> ("avro" IS NULL)) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows kept as Avro cannot be turned back into JSON here (that needs the registry): they go, and
    // as the consumer's offsets stay where they are, those changes are not appended again (for
    // development databases; reset the change log's consumer offsets to re-read the topics).
    await q.query(`DELETE FROM "changes"."change" WHERE "event" IS NULL`);
    await q.query(`ALTER TABLE "changes"."change" DROP CONSTRAINT "ck_change_event_or_avro"`);
    await q.query(`ALTER TABLE "changes"."change" ALTER COLUMN "event" SET NOT NULL`);
    await q.query(`ALTER TABLE "changes"."change" DROP COLUMN "avro"`);
  }
}
