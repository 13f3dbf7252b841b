/**
 * `POST /v1/imports` into the person service, end to end: the records reach the person import
 * consumer, the rules run, and the batch report fills from its results.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ImportsModule } from '@stafett/imports';
import { invalidLuhn } from '@stafett/domain';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import type { ImportResult } from '@stafett/contracts';
import { distinctPerson } from '../test/rest-person.factory';
import { createPersonTestApp } from '../test/person-test-app';
import { PersonTopicsHarness } from '../test/person-topics.harness';

interface Report {
  status: 'PENDING' | 'DONE';
  counts: Record<string, number>;
  results: ImportResult[];
}

describe(ImportsModule.name, () => {
  const prefix = `${uniqueId('person-imports')}.`;
  const adminKey = `stf_${uniqueId('imports-admin-key')}`;
  // Its own source system: external-id links of other test files in the shared database never match.
  const system = uniqueId('club');
  const topics = new PersonTopicsHarness(prefix);
  let app: INestApplication;

  const api = () => ({
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${adminKey}`),
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${adminKey}`),
  });

  beforeAll(async () => {
    app = await createPersonTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }), { imports: true });
    await topics.startReading();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it('should import 3 valid records and reject 1 by rule: 202, then a DONE report naming the rejected field', async () => {
    const persons = [0, 1, 2, 3].map((i) => distinctPerson(i));
    const bad = { ...persons[3], personalIdentityNumber: invalidLuhn(persons[3].personalIdentityNumber!) };
    const records = [...persons.slice(0, 3), bad].map((payload, i) => ({ entityType: 'person', externalId: `member-${i}`, op: 'UPSERT', payload }));

    const accepted = await api().post('/v1/imports').send({ source: { system }, records }).expect(202);
    const batchId: string = accepted.body.batchId;

    const report = await waitFor(
      'the DONE report',
      async () => {
        const body = (await api().get(`/v1/imports/${batchId}`).expect(200)).body as Report;
        return body.status === 'DONE' ? body : undefined;
      },
      60_000,
      200,
    );
    expect(report.counts).toEqual({ created: 3, updated: 0, unchanged: 0, deleted: 0, rejected: 1 });
    expect(report.results).toHaveLength(4);
    expect(report.results.find((r) => r.externalId === 'member-3')).toMatchObject({
      outcome: 'REJECTED',
      entityId: null,
      reasons: [{ code: 'INVALID_CHECKSUM', field: 'personalIdentityNumber', message: expect.any(String) }],
    });

    const created = report.results.filter((r) => r.outcome === 'CREATED').map((r) => r.entityId);
    const events = await waitFor('3 CREATE events', () => {
      const found = topics.events.filter((e) => created.includes(e.value.entityId));
      return found.length === 3 ? found : undefined;
    });
    expect(events.map((e) => e.value.source)).toEqual(Array(3).fill({ system, connectorId: null, batchId, actor: null }));
    const listed = await api().get(`/v1/persons?personalIdentityNumber=${persons[0].personalIdentityNumber}`).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ firstName: persons[0].firstName, externalIds: [{ system, id: 'member-0' }] })]);
  });
});
