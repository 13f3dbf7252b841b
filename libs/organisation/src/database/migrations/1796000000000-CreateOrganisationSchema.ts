import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation service's own tables, in its Postgres schema `organisation` (the pipeline's
 * tables come from `entityPipelineMigration` and `entityReferencesMigration`):
 * - `organisation`: one row per organisation; `parent_id` indexed (children, subtrees), the
 *   organisationsnummer unique where present (matching), filters of `GET /v1/organisations` indexed;
 * - `federation`: the federations a club belongs to, in the club's order; indexed by federation
 *   (a federation's clubs, subtrees).
 * No foreign key on `parent_id`/`federation_id`: the rules keep the hierarchy whole (a parent with
 * children is not deleted), and a key check would lock the parent row for every child written.
 */
export class CreateOrganisationSchema1796000000000 implements MigrationInterface {
  name = 'CreateOrganisationSchema1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "organisation"`);
    await q.query(`
      CREATE TABLE "organisation"."organisation" (
        "id" uuid PRIMARY KEY,
        "type" character varying(16) NOT NULL,
        "name" text NOT NULL,
        "organisation_number" character(10),
        "parent_id" uuid,
        "municipality_code" character(4),
        "sports" text[] NOT NULL DEFAULT '{}',
        "email" text,
        "phone" character varying(20),
        "street" text,
        "postal_code" character varying(10),
        "city" text,
        "country_code" character(2),
        "status" character varying(16) NOT NULL,
        "version" bigint NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX "ux_organisation_number" ON "organisation"."organisation" ("organisation_number") WHERE "organisation_number" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_organisation_parent" ON "organisation"."organisation" ("parent_id") WHERE "parent_id" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_organisation_type" ON "organisation"."organisation" ("type", "id")`);
    await q.query(`CREATE INDEX "ix_organisation_municipality" ON "organisation"."organisation" ("municipality_code", "id") WHERE "municipality_code" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_organisation_name" ON "organisation"."organisation" (lower("name") text_pattern_ops)`);
    await q.query(`
      CREATE TABLE "organisation"."federation" (
        "organisation_id" uuid NOT NULL REFERENCES "organisation"."organisation" ("id") ON DELETE CASCADE,
        "position" smallint NOT NULL,
        "federation_id" uuid NOT NULL,
        "sport" text,
        PRIMARY KEY ("organisation_id", "position")
      )`);
    await q.query(`CREATE INDEX "ix_federation_federation" ON "organisation"."federation" ("federation_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "organisation"."federation"`);
    await q.query(`DROP TABLE "organisation"."organisation"`);
    await q.query(`DROP SCHEMA "organisation"`);
  }
}
