/**
 * `/v1/activities` end to end on the real broker, registry and Postgres: what a client sees
 * (status, headers, problem+json) and what downstream consumers see (events, state) for each call.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { club, member, trainingGroup } from '../test/activity-factory';
import { createActivityTestApp } from '../test/activity-test-app';
import { ActivityTopicsHarness } from '../test/activity-topics.harness';
import { ActivitiesController } from './activities.controller';

const PROBLEM = /^application\/problem\+json/;

interface ActivityBody {
  id: string;
  version: number;
  startsAt: string;
  status: string;
}

interface Page {
  items: ActivityBody[];
  nextCursor: string | null;
}

describe(ActivitiesController.name, () => {
  const prefix = `${uniqueId('activities-api')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new ActivityTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;

  const org = club();
  const otherOrg = club({ name: 'Grannklubben' });
  const group = trainingGroup(org.id);
  const anna = member(1, org.id);
  const bert = member(2, org.id);

  const admin = {
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${adminKey}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${adminKey}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${adminKey}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${adminKey}`),
  };

  const newActivity = (overrides: Record<string, unknown> = {}) => ({
    organisationId: org.id,
    type: 'TRAINING',
    title: 'Träning P12',
    startsAt: '2027-02-01T17:00:00Z',
    endsAt: '2027-02-01T18:30:00Z',
    ...overrides,
  });
  const create = async (body: Record<string, unknown>) => (await admin.post('/v1/activities').send(body).expect(201)).body as ActivityBody;

  beforeAll(async () => {
    app = await createActivityTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    await topics.publishState('organisation', org.id, org);
    await topics.publishState('organisation', otherOrg.id, otherOrg);
    await topics.publishState('group', group.id, group);
    await topics.publishState('person', anna.id, anna);
    await topics.publishState('person', bert.id, bert);
    const ids = [org.id, otherOrg.id, group.id, anna.id, bert.id];
    await waitFor('the projections', async () => {
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM activity.known_entity WHERE id = ANY($1::uuid[])', [ids]);
      return Number(n) === ids.length ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  describe('POST /v1/activities', () => {
    it('should create an activity: 201 with ETag and Location, and a CREATE event from source "api"', async () => {
      const res = await admin
        .post('/v1/activities')
        .send(newActivity({ groupId: group.id, startsAt: '2027-02-01T18:00:00+01:00', participants: [{ personId: anna.id, role: 'LEADER' }] }))
        .expect(201);
      const id: string = res.body.id;
      expect(res.headers['etag']).toBe('"1"');
      expect(res.headers['location']).toBe(`/v1/activities/${id}`);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        organisationId: org.id,
        groupId: group.id,
        type: 'TRAINING',
        title: 'Träning P12',
        sport: null,
        startsAt: '2027-02-01T17:00:00.000Z',
        endsAt: '2027-02-01T18:30:00.000Z',
        location: null,
        status: 'PLANNED',
        participants: [{ personId: anna.id, role: 'LEADER', attended: false }],
        externalIds: [],
        version: 1,
      });
      const event = await topics.eventOf(id, 'CREATE');
      expect(event).toMatchObject({ version: 1, before: null, source: { system: 'api', actor: 'admin' }, after: { id, startsAt: new Date('2027-02-01T17:00:00Z') } });
    });

    it('should answer 422 naming endsAt for an end before the start, and store nothing', async () => {
      const res = await admin
        .post('/v1/activities')
        .send(newActivity({ title: 'Baklänges', endsAt: '2027-02-01T16:00:00Z' }))
        .expect(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'endsAt', code: 'INVALID_TIME_RANGE', message: 'endsAt must be after startsAt.' }]);
      const [{ n }] = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM activity.activity WHERE title = 'Baklänges'`);
      expect(n).toBe('0');
    });

    it('should answer 422 naming the participant for an unknown person (personId, as the client sent it)', async () => {
      const res = await admin
        .post('/v1/activities')
        .send(
          newActivity({
            participants: [
              { personId: anna.id, role: 'LEADER' },
              { personId: '00000000-0000-4000-8000-00000000dead', role: 'PARTICIPANT' },
            ],
          }),
        )
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'participants[1].personId', code: 'UNKNOWN_REFERENCE', message: expect.any(String) }]);
    });

    it('should answer 422 for a training over 24 hours, and take it as a CAMP', async () => {
      const long = { endsAt: '2027-02-03T17:00:00Z' };
      const res = await admin.post('/v1/activities').send(newActivity(long)).expect(422);
      expect(res.body.errors).toEqual([{ field: 'endsAt', code: 'TOO_LONG_DURATION', message: expect.any(String) }]);
      await admin
        .post('/v1/activities')
        .send(newActivity({ ...long, type: 'CAMP' }))
        .expect(201);
    });

    it('should answer 422 for a malformed body, naming the fields', async () => {
      const res = await admin.post('/v1/activities').send({ organisationId: 'x', type: 'PARTY', startsAt: 'tomorrow' }).expect(422);
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['organisationId', 'type', 'title', 'startsAt', 'endsAt']));
    });
  });

  describe('GET, PATCH and DELETE /v1/activities/:id', () => {
    let activity: ActivityBody;

    beforeAll(async () => {
      activity = await create(newActivity({ title: 'Match', type: 'MATCH', startsAt: '2026-11-01T10:00:00Z', endsAt: '2026-11-01T12:00:00Z' }));
    });

    it('should get it with its ETag, and 404 an unknown or malformed id', async () => {
      const res = await admin.get(`/v1/activities/${activity.id}`).expect(200);
      expect(res.headers['etag']).toBe('"1"');
      expect(res.body).toMatchObject({ id: activity.id, title: 'Match' });
      await admin.get('/v1/activities/00000000-0000-4000-8000-00000000dead').expect(404);
      await admin.get('/v1/activities/not-a-uuid').expect(404);
    });

    it('should need If-Match (428), refuse a stale one (412), and apply a current one', async () => {
      await admin.patch(`/v1/activities/${activity.id}`).send({ status: 'HELD' }).expect(428);
      await admin.patch(`/v1/activities/${activity.id}`).set('If-Match', '"7"').send({ status: 'HELD' }).expect(412);
      const res = await admin
        .patch(`/v1/activities/${activity.id}`)
        .set('If-Match', '"1"')
        .send({ status: 'HELD', participants: [{ personId: bert.id, role: 'PARTICIPANT', attended: true }] })
        .expect(200);
      expect(res.headers['etag']).toBe('"2"');
      expect(res.body).toMatchObject({ status: 'HELD', participants: [{ personId: bert.id, role: 'PARTICIPANT', attended: true }], version: 2 });
      const event = await topics.eventOf(activity.id, 'UPDATE');
      expect(event.changedFields).toEqual(['status', 'participants']);
    });

    it('should refuse a final status changed (422 naming status), and clear a field with null', async () => {
      const res = await admin.patch(`/v1/activities/${activity.id}`).set('If-Match', '"2"').send({ status: 'CANCELLED' }).expect(422);
      expect(res.body.errors).toEqual([{ field: 'status', code: 'INVALID_STATUS_TRANSITION', message: expect.any(String) }]);
      const cleared = await admin.patch(`/v1/activities/${activity.id}`).set('If-Match', '"2"').send({ participants: null, location: 'Plan 3' }).expect(200);
      expect(cleared.body).toMatchObject({ participants: [], location: 'Plan 3', version: 3 });
    });

    it('should delete it: 204, a DELETE event and a tombstone; then 404', async () => {
      await admin.delete(`/v1/activities/${activity.id}`).set('If-Match', '"3"').expect(204);
      await topics.eventOf(activity.id, 'DELETE');
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === activity.id && s.value === null));
      await admin.get(`/v1/activities/${activity.id}`).expect(404);
      await admin.delete(`/v1/activities/${activity.id}`).expect(404);
    });
  });

  describe('GET /v1/activities', () => {
    const starts = ['2030-01-05T10:00:00Z', '2030-01-10T10:00:00Z', '2030-01-10T10:00:00Z', '2030-01-20T10:00:00Z', '2030-02-01T10:00:00Z'];
    const ids: string[] = [];

    beforeAll(async () => {
      for (const [i, startsAt] of starts.entries()) {
        const end = new Date(Date.parse(startsAt) + 3_600_000).toISOString();
        const body =
          i === 3
            ? newActivity({ organisationId: otherOrg.id, startsAt, endsAt: end })
            : newActivity({ startsAt, endsAt: end, groupId: i === 1 ? group.id : null, type: i === 4 ? 'MEETING' : 'TRAINING' });
        ids.push((await create(body)).id);
      }
    });

    const list = async (query: string) => (await admin.get(`/v1/activities?${query}`).expect(200)).body as Page;

    it('should list a date range ordered by startsAt, then id, from inclusive and to exclusive', async () => {
      const page = await list(`organisationId=${org.id}&from=2030-01-05T10:00:00Z&to=2030-02-01T10:00:00Z`);
      const sameStart = [ids[1], ids[2]].sort();
      expect(page.items.map((a) => a.id)).toEqual([ids[0], ...sameStart]);
      expect(page.nextCursor).toBeNull();
    });

    it('should page with the cursor without losing or repeating an activity (ties on startsAt included)', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(`from=2030-01-01T00:00:00Z&to=2031-01-01T00:00:00Z&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((a) => a.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([ids[0], ...[ids[1], ids[2]].sort(), ids[3], ids[4]]);
    });

    it('should filter by group, type and status', async () => {
      expect((await list(`groupId=${group.id}&from=2030-01-01T00:00:00Z`)).items.map((a) => a.id)).toEqual([ids[1]]);
      expect((await list(`type=MEETING&from=2030-01-01T00:00:00Z`)).items.map((a) => a.id)).toEqual([ids[4]]);
      expect((await list(`status=CANCELLED&from=2030-01-01T00:00:00Z`)).items).toEqual([]);
    });

    it('should answer 422 for a range that ends before it starts, a bad filter or a forged cursor', async () => {
      const range = await admin.get('/v1/activities?from=2030-02-01T00:00:00Z&to=2030-01-01T00:00:00Z').expect(422);
      expect(range.body.errors).toEqual([{ field: 'to', code: 'INVALID_TIME_RANGE', message: expect.any(String) }]);
      await admin.get('/v1/activities?from=yesterday').expect(422);
      const cursor = await admin.get('/v1/activities?cursor=bm9wZQ').expect(422);
      expect(cursor.body.errors).toMatchObject([{ field: 'cursor' }]);
    });
  });
});
