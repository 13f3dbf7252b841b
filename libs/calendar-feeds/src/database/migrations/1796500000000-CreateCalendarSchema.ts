import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The calendar connector's own tables, in its Postgres schema `calendar`: a projection of the
 * organisation, group, activity and person state topics (ids, names, times and places only: no
 * personal data), the feeds (a token's SHA-256, never the token) and a stamp per feed scope that
 * the projection raises on every change a feed of that scope shows (its ETag and cache key).
 */
export class CreateCalendarSchema1796500000000 implements MigrationInterface {
  name = 'CreateCalendarSchema1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "calendar"`);
    await q.query(`
      CREATE TABLE "calendar"."organisation" (
        "id" uuid PRIMARY KEY,
        "version" bigint NOT NULL,
        "parent_id" uuid,
        "name" text NOT NULL
      )`);
    await q.query(`CREATE INDEX "ix_calendar_organisation_parent" ON "calendar"."organisation" ("parent_id")`);
    await q.query(`
      CREATE TABLE "calendar"."group" (
        "id" uuid PRIMARY KEY,
        "version" bigint NOT NULL,
        "organisation_id" uuid NOT NULL,
        "name" text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE "calendar"."activity" (
        "id" uuid PRIMARY KEY,
        "version" bigint NOT NULL,
        "organisation_id" uuid NOT NULL,
        "group_id" uuid,
        "type" character varying(16) NOT NULL,
        "title" text NOT NULL,
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        "location" text,
        "status" character varying(16) NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
    // A feed reads its scope's activities in a time window: (scope, starts_at) serves both.
    await q.query(`CREATE INDEX "ix_calendar_activity_group" ON "calendar"."activity" ("group_id", "starts_at")`);
    await q.query(`CREATE INDEX "ix_calendar_activity_organisation" ON "calendar"."activity" ("organisation_id", "starts_at")`);
    // Who takes part in what: ids only.
    await q.query(`
      CREATE TABLE "calendar"."participation" (
        "person_id" uuid NOT NULL,
        "activity_id" uuid NOT NULL REFERENCES "calendar"."activity" ("id") ON DELETE CASCADE,
        PRIMARY KEY ("person_id", "activity_id")
      )`);
    await q.query(`CREATE INDEX "ix_calendar_participation_activity" ON "calendar"."participation" ("activity_id")`);
    // The persons the register knows (ids and the organisations of their memberships, for key scopes): nothing personal.
    await q.query(`
      CREATE TABLE "calendar"."person" (
        "id" uuid PRIMARY KEY,
        "version" bigint NOT NULL,
        "organisation_ids" uuid[] NOT NULL
      )`);
    await q.query(`
      CREATE TABLE "calendar"."feed" (
        "id" uuid PRIMARY KEY,
        "token_hash" bytea NOT NULL,
        "kind" character varying(16) NOT NULL,
        "target_id" uuid NOT NULL,
        "owner_organisation_id" uuid,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_at" timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "ux_calendar_feed_token" ON "calendar"."feed" ("token_hash")`);
    await q.query(`CREATE INDEX "ix_calendar_feed_target" ON "calendar"."feed" ("kind", "target_id")`);
    await q.query(`CREATE INDEX "ix_calendar_feed_owner" ON "calendar"."feed" ("owner_organisation_id", "created_at")`);
    await q.query(`CREATE SEQUENCE "calendar"."stamp_seq"`);
    await q.query(`
      CREATE TABLE "calendar"."scope_stamp" (
        "kind" character varying(16) NOT NULL,
        "target_id" uuid NOT NULL,
        "stamp" bigint NOT NULL,
        PRIMARY KEY ("kind", "target_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "calendar"."scope_stamp"`);
    await q.query(`DROP SEQUENCE "calendar"."stamp_seq"`);
    await q.query(`DROP TABLE "calendar"."feed"`);
    await q.query(`DROP TABLE "calendar"."person"`);
    await q.query(`DROP TABLE "calendar"."participation"`);
    await q.query(`DROP TABLE "calendar"."activity"`);
    await q.query(`DROP TABLE "calendar"."group"`);
    await q.query(`DROP TABLE "calendar"."organisation"`);
    await q.query(`DROP SCHEMA "calendar"`);
  }
}
