import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { avroSchemaHash, canonicalAvroSchema } from '../../domain/avro-schema';

interface SchemaRow {
  id: number;
  schema: string;
  schema_type: string;
}

/**
 * Schemas are identified by their canonical form (Confluent's rule), no longer by their JSON with
 * sorted keys. Backfills `hash` of every existing row from its stored text, so data registered
 * before is found by the new lookups. Two rows registered before as different spellings of one
 * schema (`"int"` and `{"type":"int"}`) now share a hash; both ids stay valid (data was written
 * with them), so the hash loses its unique constraint and becomes a plain index.
 */
export class CanonicalSchemaIdentity1796000000000 implements MigrationInterface {
  name = 'CanonicalSchemaIdentity1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "registry"."schemas" DROP CONSTRAINT "uq_registry_schemas_hash"`);
    for (const row of await this.rows(queryRunner)) {
      if (row.schema_type !== 'AVRO') continue;
      await this.setHash(queryRunner, row.id, avroSchemaHash(canonicalAvroSchema(row.schema)));
    }
    await queryRunner.query(`CREATE INDEX "ix_registry_schemas_hash" ON "registry"."schemas" ("hash")`);
  }

  /**
   * Back to sorted-key identity, unique again. A row whose sorted-key hash another row (lower id)
   * already has keeps a hash of its own, derived from its id, so the constraint holds; the old code
   * then never matches that row by content, but its id still answers.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "registry"."ix_registry_schemas_hash"`);
    const taken = new Set<string>();
    for (const row of await this.rows(queryRunner)) {
      const sortedKeys = `AVRO\n${JSON.stringify(sortKeys(JSON.parse(row.schema)))}`;
      let hash = sha256(sortedKeys);
      if (taken.has(hash)) hash = sha256(`${sortedKeys}\n#${row.id}`);
      taken.add(hash);
      await this.setHash(queryRunner, row.id, hash);
    }
    await queryRunner.query(`ALTER TABLE "registry"."schemas" ADD CONSTRAINT "uq_registry_schemas_hash" UNIQUE ("hash")`);
  }

  private async rows(queryRunner: QueryRunner): Promise<SchemaRow[]> {
    return (await queryRunner.query(
      `SELECT "id", "schema", "schema_type" FROM "registry"."schemas" ORDER BY "id"`,
    )) as SchemaRow[];
  }

  private async setHash(queryRunner: QueryRunner, id: number, hash: string): Promise<void> {
    await queryRunner.query(`UPDATE "registry"."schemas" SET "hash" = $1 WHERE "id" = $2`, [hash, id]);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The identity before this migration: the parsed JSON with object keys sorted. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}
