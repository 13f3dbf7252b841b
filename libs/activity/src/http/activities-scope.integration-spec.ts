/**
 * `/v1/activities` with an organisation-scoped API key: the key sees and changes only the
 * activities of its organisation subtree (from the service's projection of the organisation state
 * topic); another club's activity answers 404 exactly like an unknown id.
 */
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { club } from '../test/activity-factory';
import { createActivityTestApp } from '../test/activity-test-app';
import { ActivityTopicsHarness } from '../test/activity-topics.harness';
import { ActivitiesController } from './activities.controller';

describe(`${ActivitiesController.name} with an organisation-scoped key`, () => {
  const prefix = `${uniqueId('activities-scope')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new ActivityTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;
  let clubKey: string;

  // A district with two clubs; club A has a section (in A's subtree).
  const district = club({ type: 'DISTRICT', name: 'Distriktet' });
  const clubA = club({ name: 'Klubb A', parentId: district.id });
  const sectionA = club({ type: 'SECTION', name: 'Klubb A fotboll', parentId: clubA.id });
  const clubB = club({ name: 'Klubb B', parentId: district.id });

  const as = (key: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${key}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${key}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${key}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${key}`),
  });
  const activityOf = (organisationId: string, startsAt: string) => ({
    organisationId,
    type: 'TRAINING',
    title: 'Träning',
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
  });
  let ofA: string;
  let ofSection: string;
  let ofB: string;

  beforeAll(async () => {
    app = await createActivityTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    for (const o of [district, clubA, sectionA, clubB]) await topics.publishState('organisation', o.id, o);
    await waitFor('the organisation tree', async () => {
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM activity.organisation_edge WHERE child_id = ANY($1::uuid[])', [[clubA.id, sectionA.id, clubB.id]]);
      return Number(n) === 3 ? true : undefined;
    });
    const admin = as(adminKey);
    ofA = (await admin.post('/v1/activities').send(activityOf(clubA.id, '2031-01-01T10:00:00Z')).expect(201)).body.id;
    ofSection = (await admin.post('/v1/activities').send(activityOf(sectionA.id, '2031-01-02T10:00:00Z')).expect(201)).body.id;
    ofB = (await admin.post('/v1/activities').send(activityOf(clubB.id, '2031-01-03T10:00:00Z')).expect(201)).body.id;
    const created = await admin
      .post('/v1/api-keys')
      .send({ name: 'klubb-a', roles: ['read', 'import'], organisationId: clubA.id })
      .expect(201);
    clubKey = created.body.key;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it("should read its club's and section's activities, and answer 404 for another club's as for an unknown id", async () => {
    await as(clubKey).get(`/v1/activities/${ofA}`).expect(200);
    await as(clubKey).get(`/v1/activities/${ofSection}`).expect(200);
    const other = await as(clubKey).get(`/v1/activities/${ofB}`).expect(404);
    const unknown = await as(clubKey).get('/v1/activities/00000000-0000-4000-8000-00000000dead').expect(404);
    expect(other.body.detail).toBe(unknown.body.detail);
  });

  it("should list only its subtree's activities, even when asked for another club", async () => {
    const all = await as(clubKey).get('/v1/activities?from=2031-01-01T00:00:00Z&to=2032-01-01T00:00:00Z').expect(200);
    expect((all.body as { items: { id: string }[] }).items.map((a) => a.id)).toEqual([ofA, ofSection]);
    const asked = await as(clubKey).get(`/v1/activities?organisationId=${clubB.id}`).expect(200);
    expect(asked.body.items).toEqual([]);
  });

  it("should answer 404 to PATCH and DELETE of another club's activity, and leave it unchanged", async () => {
    await as(clubKey).patch(`/v1/activities/${ofB}`).set('If-Match', '"1"').send({ title: 'Kapad' }).expect(404);
    await as(clubKey).delete(`/v1/activities/${ofB}`).expect(404);
    const b = await as(adminKey).get(`/v1/activities/${ofB}`).expect(200);
    expect(b.body).toMatchObject({ title: 'Träning', version: 1 });
  });

  it('should refuse creating an activity in another club, or moving one there (404 for the organisation)', async () => {
    await as(clubKey).post('/v1/activities').send(activityOf(clubB.id, '2031-02-01T10:00:00Z')).expect(404);
    await as(clubKey).patch(`/v1/activities/${ofA}`).set('If-Match', '"1"').send({ organisationId: clubB.id }).expect(404);
    const created = await as(clubKey).post('/v1/activities').send(activityOf(sectionA.id, '2031-02-01T10:00:00Z')).expect(201);
    expect(created.body.organisationId).toBe(sectionA.id);
  });
});
