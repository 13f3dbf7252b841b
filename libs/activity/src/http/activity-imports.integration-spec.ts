/**
 * `POST /v1/imports` into the activity service, end to end: JSON records (instants as ISO 8601)
 * reach the activity import consumer, the rules run, and the batch report fills from the results.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { ImportResult } from '@stafett/contracts';
import { ImportsModule } from '@stafett/imports';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { club, member } from '../test/activity-factory';
import { createActivityTestApp } from '../test/activity-test-app';
import { ActivityTopicsHarness } from '../test/activity-topics.harness';

interface Report {
  status: 'PENDING' | 'DONE';
  counts: Record<string, number>;
  results: ImportResult[];
}

describe(`${ImportsModule.name} into activities`, () => {
  const prefix = `${uniqueId('activity-imports')}.`;
  const adminKey = `stf_${uniqueId('imports-admin-key')}`;
  const system = uniqueId('club');
  const topics = new ActivityTopicsHarness(prefix);
  let app: INestApplication;
  const org = club({ externalIds: [{ system: 'rf', id: 'club-77' }] });
  const anna = member(1, org.id, { externalIds: [{ system: 'rf', id: 'p-1' }] });

  const api = () => ({
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${adminKey}`),
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${adminKey}`),
  });

  beforeAll(async () => {
    app = await createActivityTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }), { imports: true });
    const db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    await topics.publishState('organisation', org.id, org);
    await topics.publishState('person', anna.id, anna);
    await waitFor('the projections', async () => {
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM activity.known_entity WHERE id = ANY($1::uuid[])', [[org.id, anna.id]]);
      return Number(n) === 2 ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it('should import JSON activities referenced by external ids, and report a rejected one by field and code', async () => {
    const base = {
      organisation: { system: 'rf', externalId: 'club-77' },
      type: 'TRAINING',
      title: 'Träning',
      startsAt: '2027-03-01T18:00:00+01:00',
      endsAt: '2027-03-01T18:30:00Z',
    };
    const records = [
      {
        entityType: 'activity',
        externalId: 'a-1',
        op: 'UPSERT',
        payload: { ...base, participants: [{ person: { system: 'rf', externalId: 'p-1' }, role: 'LEADER', attended: false }] },
      },
      { entityType: 'activity', externalId: 'a-2', op: 'UPSERT', payload: { ...base, endsAt: '2027-03-01T16:00:00Z' } },
    ];
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
    expect(report.counts).toEqual({ created: 1, updated: 0, unchanged: 0, deleted: 0, rejected: 1 });
    expect(report.results.find((r) => r.externalId === 'a-2')).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'INVALID_TIME_RANGE', field: 'endsAt' }] });
    const created = report.results.find((r) => r.externalId === 'a-1')!;
    const activity = (await api().get(`/v1/activities/${created.entityId}`).expect(200)).body as Record<string, unknown>;
    expect(activity).toMatchObject({
      organisationId: org.id,
      startsAt: '2027-03-01T17:00:00.000Z',
      endsAt: '2027-03-01T18:30:00.000Z',
      participants: [{ personId: anna.id, role: 'LEADER', attended: false }],
      externalIds: [{ system, id: 'a-1' }],
    });
  });
});
