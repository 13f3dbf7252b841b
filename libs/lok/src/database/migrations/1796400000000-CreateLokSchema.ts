import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The LOK-stöd connector's own projection of the state topics, in its own Postgres schema `lok`
 * (it never reads the domain services' tables). Only what LOK-stöd needs:
 * - `organisation`: type, name, organisationsnummer, parent (for sections and scoped keys) and municipality.
 * - `person`: birth date (from the personnummer where there is one), sex, disability, postal code
 *   and city (municipal residence rules), and for the participant list only: first and last name and
 *   the personnummer. No address lines, e-mail, phone, guardians or memberships.
 * - `group`: organisation, name and sport (an activity without a sport takes its group's).
 * - `activity`: times, status, sport, type, title and participants (`[personId, role, attended]`).
 * A tombstone deletes the row; an erased person's row is deleted with it.
 */
export class CreateLokSchema1796400000000 implements MigrationInterface {
  name = 'CreateLokSchema1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "lok"`);
    await q.query(`
      CREATE TABLE "lok"."organisation" (
        "id" uuid PRIMARY KEY,
        "type" text NOT NULL,
        "name" text NOT NULL,
        "organisation_number" text,
        "parent_id" uuid,
        "municipality_code" text
      )`);
    await q.query(`CREATE INDEX "ix_lok_organisation_parent" ON "lok"."organisation" ("parent_id")`);
    await q.query(`
      CREATE TABLE "lok"."person" (
        "id" uuid PRIMARY KEY,
        "birth_date" date NOT NULL,
        "sex" text NOT NULL,
        "disability" boolean NOT NULL,
        "postal_code" text,
        "city" text,
        "first_name" text NOT NULL,
        "last_name" text NOT NULL,
        "personal_identity_number" text
      )`);
    await q.query(`
      CREATE TABLE "lok"."group" (
        "id" uuid PRIMARY KEY,
        "organisation_id" uuid NOT NULL,
        "name" text NOT NULL,
        "sport" text
      )`);
    await q.query(`
      CREATE TABLE "lok"."activity" (
        "id" uuid PRIMARY KEY,
        "organisation_id" uuid NOT NULL,
        "group_id" uuid,
        "type" text NOT NULL,
        "title" text NOT NULL,
        "sport" text,
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        "status" text NOT NULL,
        "participants" jsonb NOT NULL
      )`);
    // A club's period: its (and its sections') activities by start time.
    await q.query(`CREATE INDEX "ix_lok_activity_organisation_starts" ON "lok"."activity" ("organisation_id", "starts_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "lok"."activity"`);
    await q.query(`DROP TABLE "lok"."group"`);
    await q.query(`DROP TABLE "lok"."person"`);
    await q.query(`DROP TABLE "lok"."organisation"`);
    await q.query(`DROP SCHEMA "lok"`);
  }
}
