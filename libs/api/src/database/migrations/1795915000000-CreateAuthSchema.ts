import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys, in their own Postgres schema `auth`. */
export class CreateAuthSchema1795915000000 implements MigrationInterface {
  name = 'CreateAuthSchema1795915000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "auth"`);
    await q.query(`
      CREATE TABLE "auth"."api_key" (
        "id" uuid NOT NULL,
        "name" text NOT NULL,
        "key_hash" character(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_auth_api_key" PRIMARY KEY ("id"),
        CONSTRAINT "uq_auth_api_key_hash" UNIQUE ("key_hash")
      )`);
    await q.query(`COMMENT ON TABLE "auth"."api_key" IS 'API keys: only the SHA-256 (hex) of each key is stored'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auth"."api_key"`);
    await q.query(`DROP SCHEMA "auth"`);
  }
}
