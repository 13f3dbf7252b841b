import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Batches of `POST /v1/imports` and their per-record results, in their own Postgres schema `imports`. */
export class CreateImportsSchema1795916000000 implements MigrationInterface {
  name = 'CreateImportsSchema1795916000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "imports"`);
    await q.query(`
      CREATE TABLE "imports"."batch" (
        "id" uuid NOT NULL,
        "source_system" text NOT NULL,
        "total" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_imports_batch" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "imports"."result" (
        "record_id" uuid NOT NULL,
        "batch_id" uuid NOT NULL,
        "entity_type" character varying(32) NOT NULL,
        "external_id" text NOT NULL,
        "outcome" character varying(16) NOT NULL,
        "entity_id" text,
        "version" bigint,
        "reasons" jsonb NOT NULL,
        CONSTRAINT "pk_imports_result" PRIMARY KEY ("record_id"),
        CONSTRAINT "fk_imports_result_batch" FOREIGN KEY ("batch_id") REFERENCES "imports"."batch" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "ix_imports_result_batch_id" ON "imports"."result" ("batch_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "imports"."result"`);
    await q.query(`DROP TABLE "imports"."batch"`);
    await q.query(`DROP SCHEMA "imports"`);
  }
}
