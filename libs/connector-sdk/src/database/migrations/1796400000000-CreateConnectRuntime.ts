import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The connector runtime's tables in the Postgres schema `connect`: runs and their reports, the
 * saved state of each connector's streams, and the inbox of import results awaiting their run.
 */
export class CreateConnectRuntime1796400000000 implements MigrationInterface {
  name = 'CreateConnectRuntime1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "connect"`);
    await q.query(`
      CREATE TABLE "connect"."run" (
        "id" uuid NOT NULL,
        "connector_id" text NOT NULL,
        "agreement_revision" bigint NOT NULL,
        "status" varchar(16) NOT NULL,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        "heartbeat_at" timestamptz NOT NULL DEFAULT now(),
        "progress" jsonb,
        "counts" jsonb NOT NULL,
        "error_code" text,
        "error_message" text,
        CONSTRAINT "pk_connect_run" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "ix_connect_run_connector" ON "connect"."run" ("connector_id", "started_at" DESC)`);
    await q.query(`CREATE UNIQUE INDEX "ux_connect_run_running" ON "connect"."run" ("connector_id") WHERE "status" = 'RUNNING'`);
    await q.query(`
      CREATE TABLE "connect"."run_issue" (
        "run_id" uuid NOT NULL,
        "n" integer NOT NULL,
        "kind" varchar(16) NOT NULL,
        "row" integer,
        "position" text NOT NULL,
        "field" text,
        "code" text NOT NULL,
        "message" text NOT NULL,
        "external_id" text,
        CONSTRAINT "pk_connect_run_issue" PRIMARY KEY ("run_id", "n"),
        CONSTRAINT "fk_connect_run_issue_run" FOREIGN KEY ("run_id") REFERENCES "connect"."run" ("id") ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE "connect"."stream_state" (
        "connector_id" text NOT NULL,
        "stream" text NOT NULL,
        "state" jsonb NOT NULL,
        "run_id" uuid NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_connect_stream_state" PRIMARY KEY ("connector_id", "stream")
      )`);
    // An inbox, not a log: the results consumer adds the results of running runs, the run takes (deletes) them.
    await q.query(`
      CREATE TABLE "connect"."run_result" (
        "record_id" uuid NOT NULL,
        "run_id" uuid NOT NULL,
        "outcome" varchar(16) NOT NULL,
        "reasons" jsonb NOT NULL,
        CONSTRAINT "pk_connect_run_result" PRIMARY KEY ("record_id")
      )`);
    await q.query(`CREATE INDEX "ix_connect_run_result_run" ON "connect"."run_result" ("run_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "connect"."run_result"`);
    await q.query(`DROP TABLE "connect"."stream_state"`);
    await q.query(`DROP TABLE "connect"."run_issue"`);
    await q.query(`DROP TABLE "connect"."run"`);
    await q.query(`DROP SCHEMA IF EXISTS "connect"`);
  }
}
