import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The activity service's tables, in its own Postgres schema `activity`. Indexed for what is
 * queried: lists by organisation or group ordered by start (the date-range query), and the
 * activities of a person (an erased person leaves every activity).
 */
export class CreateActivitySchema1796200000100 implements MigrationInterface {
  name = 'CreateActivitySchema1796200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "activity"`);
    await q.query(`
      CREATE TABLE "activity"."activity" (
        "id" uuid PRIMARY KEY,
        "organisation_id" uuid NOT NULL,
        "group_id" uuid,
        "type" character varying(16) NOT NULL,
        "title" text NOT NULL,
        "sport" text,
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        "location" text,
        "status" character varying(16) NOT NULL,
        "version" bigint NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "ix_activity_starts_at" ON "activity"."activity" ("starts_at", "id")`);
    await q.query(`CREATE INDEX "ix_activity_organisation_starts_at" ON "activity"."activity" ("organisation_id", "starts_at", "id")`);
    await q.query(`CREATE INDEX "ix_activity_group_starts_at" ON "activity"."activity" ("group_id", "starts_at", "id") WHERE "group_id" IS NOT NULL`);
    await q.query(`
      CREATE TABLE "activity"."participant" (
        "activity_id" uuid NOT NULL REFERENCES "activity"."activity" ("id") ON DELETE CASCADE,
        "position" smallint NOT NULL,
        "person_id" uuid NOT NULL,
        "role" character varying(16) NOT NULL,
        "attended" boolean NOT NULL DEFAULT false,
        PRIMARY KEY ("activity_id", "position")
      )`);
    await q.query(`CREATE INDEX "ix_participant_person" ON "activity"."participant" ("person_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "activity"."participant"`);
    await q.query(`DROP TABLE "activity"."activity"`);
    await q.query(`DROP SCHEMA "activity"`);
  }
}
