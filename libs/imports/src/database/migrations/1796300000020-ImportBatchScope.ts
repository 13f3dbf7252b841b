import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation scope of the API key that submitted a batch: a scoped key reads only the
 * reports of batches submitted under its own scope. NULL: a global key (every batch before).
 */
export class ImportBatchScope1796300000020 implements MigrationInterface {
  name = 'ImportBatchScope1796300000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "imports"."batch" ADD "scope_organisation_id" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "imports"."batch" DROP COLUMN "scope_organisation_id"`);
  }
}
