/**
 * `POST /v1/imports` and its reports through organisation-scoped API keys: every record of a
 * scoped key carries the key's organisation as the Kafka header `stafett.scope` (the domain
 * service refuses records outside that subtree), and a scoped key reads only the reports of
 * batches submitted under its own scope. Real broker, registry and Postgres.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { IMPORT_SCOPE_HEADER } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { ImportsController } from './imports.controller';
import { createImportsTestApp } from './test/imports-test-app';
import { ImportsTopicsHarness } from './test/imports-topics.harness';

describe(`${ImportsController.name} with organisation-scoped keys`, () => {
  const prefix = `${uniqueId('imports-scope')}.`;
  const adminKey = `stf_${uniqueId('imports-admin-key')}`;
  const topics = new ImportsTopicsHarness(prefix);
  const clubA = randomUUID();
  const clubB = randomUUID();
  let app: INestApplication;
  let clubAKey: string;
  let clubBKey: string;
  let globalImportKey: string;

  const as = (key: string) => ({
    post: (body: unknown) =>
      request(app.getHttpServer())
        .post('/v1/imports')
        .set('Authorization', `Bearer ${key}`)
        .send(body as object),
    report: (batchId: string) => request(app.getHttpServer()).get(`/v1/imports/${batchId}`).set('Authorization', `Bearer ${key}`),
  });
  const newKey = async (roles: string[], organisationId?: string) =>
    (
      (
        await request(app.getHttpServer())
          .post('/v1/api-keys')
          .set('Authorization', `Bearer ${adminKey}`)
          .send({ name: uniqueId('key'), roles, ...(organisationId ? { organisationId } : {}) })
          .expect(201)
      ).body as { key: string }
    ).key;
  const batch = (externalId: string) => ({
    source: { system: 'club' },
    records: [{ entityType: 'person', externalId, op: 'UPSERT', payload: { firstName: 'Anna', lastName: 'Berg', birthDate: '2010-05-17' } }],
  });
  const submitted = async (key: string, externalId: string) => {
    const res = await as(key).post(batch(externalId)).expect(202);
    const batchId = res.body.batchId as string;
    const record = await waitFor(`the record of ${externalId}`, () => topics.personRecords.find((r) => r.value.batchId === batchId));
    return { batchId, headers: record.message.headers };
  };

  beforeAll(async () => {
    app = await createImportsTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    await topics.startReading();
    clubAKey = await newKey(['import', 'read'], clubA);
    clubBKey = await newKey(['import'], clubB);
    globalImportKey = await newKey(['import']);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it("should publish every record of a scoped key with the header stafett.scope: the key's organisation, and store the scope with the batch", async () => {
    const { batchId, headers } = await submitted(clubAKey, 'scoped-1');
    expect(headers[IMPORT_SCOPE_HEADER]?.toString()).toBe(clubA);
    expect(await app.get(DataSource).query(`SELECT scope_organisation_id FROM imports.batch WHERE id = $1`, [batchId])).toEqual([{ scope_organisation_id: clubA }]);
  });

  it('should publish the records of a global key and of the admin key without the header', async () => {
    for (const key of [globalImportKey, adminKey]) {
      const { batchId, headers } = await submitted(key, `global-${key === adminKey ? 'admin' : 'import'}`);
      expect(headers[IMPORT_SCOPE_HEADER]).toBeUndefined();
      expect(await app.get(DataSource).query(`SELECT scope_organisation_id FROM imports.batch WHERE id = $1`, [batchId])).toEqual([{ scope_organisation_id: null }]);
    }
  });

  it("should let a scoped key read its scope's batches only: another scope's or a global key's batch is 404 like an unknown one", async () => {
    const own = await submitted(clubAKey, 'scoped-2');
    const other = await submitted(clubBKey, 'scoped-3');
    const global = await submitted(globalImportKey, 'global-2');
    await as(clubAKey).report(own.batchId).expect(200);
    const unknown = (await as(clubAKey).report(randomUUID()).expect(404)).body as Record<string, unknown>;
    for (const batchId of [other.batchId, global.batchId]) {
      const res = await as(clubAKey).report(batchId).expect(404);
      expect({ ...res.body, instance: undefined }).toEqual({ ...unknown, instance: undefined });
    }
    await as(clubBKey).report(own.batchId).expect(404);
    await as(clubBKey).report(other.batchId).expect(200);
  });

  it('should let global keys read the batches of scoped keys', async () => {
    const own = await submitted(clubAKey, 'scoped-4');
    await as(adminKey).report(own.batchId).expect(200);
    await as(globalImportKey).report(own.batchId).expect(200);
  });
});
