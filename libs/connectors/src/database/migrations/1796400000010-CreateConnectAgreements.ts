import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropOutboxSql, outboxTableSql } from '@stafett/outbox';

/** Integration agreements (one row per connector instance, with its revision) and the outbox that publishes them to `stafett.connectors.v1`. */
export class CreateConnectAgreements1796400000010 implements MigrationInterface {
  name = 'CreateConnectAgreements1796400000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "connect"`);
    await q.query(`
      CREATE TABLE "connect"."agreement" (
        "connector_id" text NOT NULL,
        "organisation_id" uuid NOT NULL,
        "connector_type" text NOT NULL,
        "revision" bigint NOT NULL,
        "agreement" jsonb NOT NULL,
        "paused" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_connect_agreement" PRIMARY KEY ("connector_id")
      )`);
    await q.query(`CREATE INDEX "ix_connect_agreement_organisation" ON "connect"."agreement" ("organisation_id")`);
    for (const sql of outboxTableSql('connect')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropOutboxSql('connect')) await q.query(sql);
    await q.query(`DROP TABLE "connect"."agreement"`);
  }
}
