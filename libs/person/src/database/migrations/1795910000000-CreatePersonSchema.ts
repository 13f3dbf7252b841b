import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The person service's tables, in its own Postgres schema `person`. */
export class CreatePersonSchema1795910000000 implements MigrationInterface {
  name = 'CreatePersonSchema1795910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "person"`);
    await q.query(`
      CREATE TABLE "person"."person" (
        "id" uuid PRIMARY KEY,
        "personal_identity_number" character(12),
        "first_name" text NOT NULL,
        "last_name" text NOT NULL,
        "birth_date" date NOT NULL,
        "sex" character varying(8) NOT NULL,
        "address" jsonb,
        "email" text,
        "phone" character varying(20),
        "status" character varying(16) NOT NULL,
        "disability" boolean NOT NULL DEFAULT false,
        "version" bigint NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX "ux_person_pnr" ON "person"."person" ("personal_identity_number") WHERE "personal_identity_number" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_person_last_name" ON "person"."person" (lower("last_name"), lower("first_name"))`);
    await q.query(`
      CREATE TABLE "person"."membership" (
        "person_id" uuid NOT NULL REFERENCES "person"."person" ("id") ON DELETE CASCADE,
        "organisation_id" uuid NOT NULL,
        "valid_from" date NOT NULL,
        "valid_to" date,
        "position" smallint NOT NULL,
        PRIMARY KEY ("person_id", "position")
      )`);
    await q.query(`CREATE INDEX "ix_membership_organisation" ON "person"."membership" ("organisation_id")`);
    await q.query(`
      CREATE TABLE "person"."guardian" (
        "person_id" uuid NOT NULL REFERENCES "person"."person" ("id") ON DELETE CASCADE,
        "guardian_id" uuid NOT NULL,
        "position" smallint NOT NULL,
        PRIMARY KEY ("person_id", "position")
      )`);
    await q.query(`
      CREATE TABLE "person"."external_id" (
        "system" text NOT NULL,
        "external_id" text NOT NULL,
        "person_id" uuid NOT NULL REFERENCES "person"."person" ("id") ON DELETE CASCADE,
        "position" smallint NOT NULL,
        PRIMARY KEY ("system", "external_id")
      )`);
    await q.query(`CREATE INDEX "ix_external_id_person" ON "person"."external_id" ("person_id")`);
    await q.query(`
      CREATE TABLE "person"."processed_record" (
        "record_id" uuid PRIMARY KEY,
        "processed_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`COMMENT ON TABLE "person"."processed_record" IS 'Import record ids already applied: a redelivered record is skipped'`);
    await q.query(`
      CREATE TABLE "person"."protected_identity" (
        "pnr_hash" bytea PRIMARY KEY,
        "registered_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`COMMENT ON TABLE "person"."protected_identity" IS 'SHA-256 of salt + personnummer with skyddade personuppgifter: never the number itself'`);
    await q.query(`CREATE TABLE "person"."setting" ("key" text PRIMARY KEY, "value" bytea NOT NULL)`);
    await q.query(`INSERT INTO "person"."setting" ("key", "value") VALUES ('protected_identity_salt', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['setting', 'protected_identity', 'processed_record', 'external_id', 'guardian', 'membership', 'person']) {
      await q.query(`DROP TABLE "person"."${t}"`);
    }
    await q.query(`DROP SCHEMA "person"`);
  }
}
