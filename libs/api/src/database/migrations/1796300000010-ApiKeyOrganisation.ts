import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An API key may be bound to an organisation subtree (`organisation_id`): it then sees and changes
 * only entities with an organisation in that subtree. NULL: a global key (every key made before).
 */
export class ApiKeyOrganisation1796300000010 implements MigrationInterface {
  name = 'ApiKeyOrganisation1796300000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auth"."api_key" ADD "organisation_id" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auth"."api_key" DROP COLUMN "organisation_id"`);
  }
}
