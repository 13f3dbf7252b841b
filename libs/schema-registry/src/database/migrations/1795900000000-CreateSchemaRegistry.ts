import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The built-in schema registry's tables, in their own Postgres schema `registry`. */
export class CreateSchemaRegistry1795900000000 implements MigrationInterface {
  name = 'CreateSchemaRegistry1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "registry"`);
    await queryRunner.query(`
      CREATE TABLE "registry"."schemas" (
        "id" SERIAL NOT NULL,
        "hash" character(64) NOT NULL,
        "schema" text NOT NULL,
        "schema_type" character varying(16) NOT NULL DEFAULT 'AVRO',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_registry_schemas" PRIMARY KEY ("id"),
        CONSTRAINT "uq_registry_schemas_hash" UNIQUE ("hash")
      )`);
    await queryRunner.query(`
      CREATE TABLE "registry"."subject_versions" (
        "subject" text NOT NULL,
        "version" integer NOT NULL,
        "schema_id" integer NOT NULL,
        "deleted" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_registry_subject_versions" PRIMARY KEY ("subject", "version"),
        CONSTRAINT "fk_registry_subject_versions_schema" FOREIGN KEY ("schema_id")
          REFERENCES "registry"."schemas" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_registry_subject_versions_schema_id" ON "registry"."subject_versions" ("schema_id")`,
    );
    await queryRunner.query(`
      CREATE TABLE "registry"."config" (
        "subject" text NOT NULL,
        "compatibility_level" character varying(32) NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_registry_config" PRIMARY KEY ("subject")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "registry"."config"`);
    await queryRunner.query(`DROP INDEX "registry"."ix_registry_subject_versions_schema_id"`);
    await queryRunner.query(`DROP TABLE "registry"."subject_versions"`);
    await queryRunner.query(`DROP TABLE "registry"."schemas"`);
    await queryRunner.query(`DROP SCHEMA "registry"`);
  }
}
