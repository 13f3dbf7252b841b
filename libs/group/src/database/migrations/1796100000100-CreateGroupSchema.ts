import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The group service's tables, in its own Postgres schema `group` (an SQL keyword: always quoted). */
export class CreateGroupSchema1796100000100 implements MigrationInterface {
  name = 'CreateGroupSchema1796100000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "group"`);
    await q.query(`
      CREATE TABLE "group"."group" (
        "id" uuid PRIMARY KEY,
        "organisation_id" uuid NOT NULL,
        "name" text NOT NULL,
        "type" character varying(16) NOT NULL,
        "sport" text,
        "status" character varying(16) NOT NULL,
        "version" bigint NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // Lists page by id within a filter: (filter, id) serves both the filter and the keyset order.
    await q.query(`CREATE INDEX "ix_group_organisation" ON "group"."group" ("organisation_id", "id")`);
    await q.query(`CREATE INDEX "ix_group_type" ON "group"."group" ("type", "id")`);
    await q.query(`CREATE INDEX "ix_group_name" ON "group"."group" (lower("name") text_pattern_ops)`);
    await q.query(`
      CREATE TABLE "group"."member" (
        "group_id" uuid NOT NULL REFERENCES "group"."group" ("id") ON DELETE CASCADE,
        "position" integer NOT NULL,
        "person_id" uuid NOT NULL,
        "role" character varying(16) NOT NULL,
        "valid_from" date NOT NULL,
        "valid_to" date,
        PRIMARY KEY ("group_id", "position")
      )`);
    await q.query(`CREATE INDEX "ix_member_person" ON "group"."member" ("person_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "group"."member"`);
    await q.query(`DROP TABLE "group"."group"`);
    await q.query(`DROP SCHEMA "group"`);
  }
}
