/**
 * The generic import path on its own (no domain service behind it): requests checked and
 * refused with problem+json, accepted records on the prefixed imports topic, the report fed by
 * results as a domain service publishes them.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ImportResult } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { ImportsController } from './imports.controller';
import { createImportsTestApp } from './test/imports-test-app';
import { ImportsTopicsHarness } from './test/imports-topics.harness';

const PROBLEM = /^application\/problem\+json/;

describe(ImportsController.name, () => {
  const prefix = `${uniqueId('imports-api')}.`;
  const adminKey = `stf_${uniqueId('imports-admin-key')}`;
  const topics = new ImportsTopicsHarness(prefix);
  let app: INestApplication;

  const post = (body: unknown) => request(app.getHttpServer()).post('/v1/imports').set('Authorization', `Bearer ${adminKey}`).send(body as object);
  const report = (batchId: string) => request(app.getHttpServer()).get(`/v1/imports/${batchId}`).set('Authorization', `Bearer ${adminKey}`);
  const person = (i: number) => ({ entityType: 'person', externalId: `m-${i}`, op: 'UPSERT', payload: { firstName: `Förnamn${i}`, lastName: 'Efternamn', birthDate: '2010-05-17' } });

  const batchCount = async () => Number((await app.get(DataSource).query<{ n: string }[]>('SELECT count(*) AS n FROM imports.batch'))[0].n);

  beforeAll(async () => {
    app = await createImportsTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    await topics.startReading();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it('should answer 401 problem+json without an API key', async () => {
    const res = await request(app.getHttpServer()).post('/v1/imports').send({}).expect(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('should refuse a request of the wrong shape with 422 naming each record index and field', async () => {
    const res = await post({
      source: { system: 'club system' },
      records: [person(1), { externalId: 'm-2', op: 'UPSERT', payload: {} }, { ...person(3), op: 'MERGE' }, { ...person(4), payload: undefined }],
    }).expect(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ type: 'urn:stafett:problem:validation-failed', status: 422, instance: '/v1/imports' });
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['source.system', 'records[1].entityType', 'records[2].op', 'records[3].payload']));
    expect(fields.some((f) => f.startsWith('records[0]'))).toBe(false);
  });

  it('should refuse an entity type without a service here, saying which are served', async () => {
    const res = await post({ source: { system: 'club' }, records: [person(1), { ...person(2), entityType: 'group' }] }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'records[1].entityType', code: 'INVALID_ENUM', message: expect.stringContaining('one of: person') }]);
  });

  it('should refuse a payload that breaks the Avro contract with 422 naming record and field, and publish nothing', async () => {
    const res = await post({
      source: { system: 'club' },
      records: [person(1), { ...person(2), externalId: 'bad-date', payload: { firstName: 'Anna', birthDate: '17/05/2010' } }, { ...person(3), externalId: 'typo', payload: { fristName: 'Anna' } }],
    }).expect(422);
    expect(res.body).toMatchObject({ detail: '2 of 3 records are invalid; nothing was imported.' });
    expect(res.body.errors).toEqual([
      { field: 'records[1].payload.birthDate', code: 'INVALID_DATE', message: 'must be a date written YYYY-MM-DD (or null)' },
      { field: 'records[2].payload.fristName', code: 'UNKNOWN_FIELD', message: expect.any(String) },
    ]);

    // The next accepted batch is all the topic holds: nothing of the refused ones came before it.
    const accepted = await post({ source: { system: 'club' }, records: [{ ...person(9), externalId: 'after-refusals' }] }).expect(202);
    const first = await waitFor('a record on the imports topic', () => topics.personRecords[0]);
    expect(first.value).toMatchObject({ batchId: accepted.body.batchId, externalId: 'after-refusals' });
    expect(topics.personRecords.some((r) => ['bad-date', 'typo'].includes(r.value.externalId))).toBe(false);
  });

  it('should refuse more than 10,000 records with 422 naming records', async () => {
    const records = Array.from({ length: 10_001 }, (_, i) => person(i));
    const res = await post({ source: { system: 'club' }, records }).expect(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'records', code: 'TOO_LONG' })]);
  });

  it('should refuse 100,000 records at once with 422, before checking any of them', async () => {
    // Every record is invalid: had any been checked (what blocked the event loop for seconds), its error would be listed.
    const records = Array.from({ length: 100_000 }, (_, i) => ({ ...person(i), op: 'MERGE' }));
    const res = await post({ source: { system: 'club' }, records }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'records', code: 'TOO_LONG', message: 'records may hold at most 10000 items (it has 100000)' }]);
  });

  it('should refuse a NUL in an externalId with 422 instead of accepting a record that can never be stored', async () => {
    const res = await post({ source: { system: 'club' }, records: [person(1), { ...person(2), externalId: 'm\u00002' }] }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'records[1].externalId', code: 'INVALID_FORMAT', message: expect.stringContaining('NUL') }]);
  });

  it('should refuse a NUL in a clearFields entry with 422', async () => {
    const res = await post({ source: { system: 'club' }, records: [{ ...person(1), payload: { clearFields: ['email\u0000'] } }] }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'records[0].payload.clearFields[0]', code: 'INVALID_FORMAT', message: expect.stringContaining('NUL') }]);
  });

  it('should refuse a 1 MB record with 422 naming it (it can never be produced), and keep no batch for it', async () => {
    const before = await batchCount();
    const res = await post({ source: { system: 'club' }, records: [person(1), { ...person(2), payload: { firstName: 'x'.repeat(1024 * 1024), lastName: 'Berg' } }] }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'records[1]', code: 'TOO_LONG', message: expect.stringMatching(/^The record is \d+ bytes encoded; at most 65536 are accepted\.$/) }]);
    expect(await batchCount()).toBe(before);
  });

  it('should answer 404 problem+json for an unknown batch', async () => {
    const res = await report(randomUUID()).expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ type: 'urn:stafett:problem:not-found', status: 404 });
    await report('not-a-batch').expect(404);
  });

  describe('an accepted batch', () => {
    let batchId: string;
    const records = () => topics.personRecords.filter((r) => r.value.batchId === batchId);

    it('should answer 202 with the batch id once every record is on the prefixed topic, keyed <system>:<externalId>', async () => {
      const res = await post({ source: { system: 'club', connectorId: 'c-1' }, records: [person(1), person(2), { entityType: 'person', externalId: 'm-3', op: 'DELETE' }] }).expect(202);
      batchId = res.body.batchId;
      expect(res.body).toEqual({ batchId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(res.headers['location']).toBe(`/v1/imports/${batchId}`);
      const published = await waitFor('3 records', () => (records().length === 3 ? records() : undefined));
      expect(published.map((r) => r.message.topic)).toEqual(Array(3).fill(`${prefix}stafett.person.imports.v1`));
      expect(published.map((r) => r.message.key?.toString()).sort()).toEqual(['club:m-1', 'club:m-2', 'club:m-3']);
      const byExternal = new Map(published.map((r) => [r.value.externalId, r.value]));
      expect(byExternal.get('m-1')).toMatchObject({ source: { system: 'club', connectorId: 'c-1' }, op: 'UPSERT', payload: { firstName: 'Förnamn1', birthDate: '2010-05-17' } });
      expect(byExternal.get('m-3')).toMatchObject({ op: 'DELETE', payload: null });
      expect(new Set(published.map((r) => r.value.recordId)).size).toBe(3);
    });

    it('should report PENDING until every record has a result, then DONE with counts and results', async () => {
      const [r1, r2, r3] = [...records()].sort((a, b) => a.value.externalId.localeCompare(b.value.externalId)).map((r) => r.value);
      const result = (r: typeof r1, outcome: ImportResult['outcome'], extra: Partial<ImportResult> = {}): ImportResult => ({
        recordId: r.recordId,
        batchId,
        entityType: 'person',
        externalId: r.externalId,
        outcome,
        entityId: outcome === 'REJECTED' ? null : randomUUID(),
        version: outcome === 'REJECTED' ? null : 1,
        reasons: [],
        ...extra,
      });
      await topics.sendResults([result(r1, 'CREATED')]);
      await waitFor('the first result', async () => ((await report(batchId)).body.counts?.created === 1 ? true : undefined));
      expect((await report(batchId).expect(200)).body).toMatchObject({ batchId, status: 'PENDING', counts: { created: 1, updated: 0, unchanged: 0, deleted: 0, rejected: 0 } });

      const rejected = result(r2, 'REJECTED', { reasons: [{ code: 'INVALID_CHECKSUM', field: 'personalIdentityNumber', message: 'wrong check digit' }] });
      // The first result again (a redelivery), the others, and one of a batch this API never saw.
      const foreign = { ...result(r1, 'CREATED'), recordId: randomUUID(), batchId: randomUUID() };
      await topics.sendResults([result(r1, 'CREATED'), rejected, result(r3, 'DELETED'), foreign]);
      const done = await waitFor('DONE', async () => {
        const body = (await report(batchId)).body as { status: string };
        return body.status === 'DONE' ? body : undefined;
      });
      expect(done).toEqual({
        batchId,
        status: 'DONE',
        counts: { created: 1, updated: 0, unchanged: 0, deleted: 1, rejected: 1 },
        results: [
          expect.objectContaining({ externalId: 'm-1', outcome: 'CREATED', version: 1 }),
          { ...rejected, reasons: [{ code: 'INVALID_CHECKSUM', field: 'personalIdentityNumber', message: 'wrong check digit' }] },
          expect.objectContaining({ externalId: 'm-3', outcome: 'DELETED' }),
        ],
      });
      await report(foreign.batchId).expect(404);
    });
  });

  it('should document both /v1/imports routes with bearer security', () => {
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/imports')).sort()).toEqual(['/v1/imports', '/v1/imports/{batchId}']);
    expect(doc.paths['/v1/imports'].post).toMatchObject({ security: [{ bearer: [] }], responses: { 202: expect.anything(), 401: expect.anything(), 422: expect.anything() } });
    expect(doc.paths['/v1/imports/{batchId}'].get).toMatchObject({ security: [{ bearer: [] }], responses: { 200: expect.anything(), 404: expect.anything() } });
  });
});
