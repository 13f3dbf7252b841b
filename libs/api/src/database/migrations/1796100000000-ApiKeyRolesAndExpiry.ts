import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles, an expiry and a hint per API key. Keys made before roles existed opened every route, so
 * they become `admin` (nothing they did before is refused); revoke and replace them with narrower keys.
 */
export class ApiKeyRolesAndExpiry1796100000000 implements MigrationInterface {
  name = 'ApiKeyRolesAndExpiry1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auth"."api_key" ADD "roles" text array NOT NULL DEFAULT '{admin}'`);
    await q.query(`ALTER TABLE "auth"."api_key" ALTER COLUMN "roles" DROP DEFAULT`);
    await q.query(`ALTER TABLE "auth"."api_key" ADD "key_hint" text`);
    await q.query(`ALTER TABLE "auth"."api_key" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auth"."api_key" DROP COLUMN "expires_at"`);
    await q.query(`ALTER TABLE "auth"."api_key" DROP COLUMN "key_hint"`);
    await q.query(`ALTER TABLE "auth"."api_key" DROP COLUMN "roles"`);
  }
}
