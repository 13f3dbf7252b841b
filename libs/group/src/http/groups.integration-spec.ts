/**
 * `/v1/groups` end to end on the real broker, registry and Postgres: what a client sees (status,
 * headers, problem+json) and what downstream consumers see (events, state) for each call. The
 * organisation and the persons come from the service's projections of their state topics.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { GroupChanged, Organisation, Person } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { club, projectedPerson } from '../test/group-factory';
import { createGroupTestApp } from '../test/group-test-app';
import { GroupTopicsHarness } from '../test/group-topics.harness';
import { GroupsController } from './groups.controller';

const PROBLEM = /^application\/problem\+json/;

describe(GroupsController.name, () => {
  const prefix = `${uniqueId('groups-api')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new GroupTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;
  let org: Organisation;
  let other: Organisation;
  let persons: Person[];

  const admin = () => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${adminKey}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${adminKey}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${adminKey}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${adminKey}`),
  });
  const eventOf = (id: string, op: GroupChanged['op'], version?: number) =>
    waitFor(
      `the ${op} event of ${id}`,
      () => topics.events.find((e) => e.value.entityId === id && e.value.op === op && (version === undefined || e.value.version === version))?.value,
    );
  const newGroup = (overrides: Record<string, unknown> = {}) => ({
    organisationId: org.id,
    name: `Grupp ${uniqueId('g')}`,
    type: 'TRAINING',
    sport: 'simning',
    members: [
      { personId: persons[0].id, role: 'LEADER', from: '2024-01-01' },
      { personId: persons[1].id, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' },
    ],
    ...overrides,
  });
  const create = async (body: Record<string, unknown>) => (await admin().post('/v1/groups').send(body).expect(201)).body as { id: string; version: number };

  beforeAll(async () => {
    app = await createGroupTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    org = club();
    other = club();
    persons = [projectedPerson(), projectedPerson(), projectedPerson()];
    await topics.publishOrganisations([org, other]);
    await topics.publishPersons(persons);
    const ids = [org.id, other.id, ...persons.map((p) => p.id)];
    await waitFor('the projections', async () => {
      const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM "group".known_entity WHERE id = ANY($1::uuid[])', [ids]);
      return n === ids.length ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  describe('POST /v1/groups', () => {
    it('should create a group: 201 with ETag and Location, a CREATE event from source "api" and the state', async () => {
      const body = newGroup();
      const res = await admin().post('/v1/groups').send(body).expect(201);
      const id: string = res.body.id;
      expect(res.headers['etag']).toBe('"1"');
      expect(res.headers['location']).toBe(`/v1/groups/${id}`);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        organisationId: org.id,
        name: body.name,
        type: 'TRAINING',
        sport: 'simning',
        members: [
          { personId: persons[0].id, role: 'LEADER', from: '2024-01-01', to: null },
          { personId: persons[1].id, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' },
        ],
        status: 'ACTIVE',
        externalIds: [],
        version: 1,
      });
      expect(await eventOf(id, 'CREATE')).toMatchObject({ version: 1, before: null, source: { system: 'api', actor: 'admin' }, after: { id, organisationId: org.id } });
      const state = await waitFor('the state', () => topics.state.find((s) => s.message.key?.toString() === id)?.value);
      expect(state).toMatchObject({ id, name: body.name });
    });

    it('should answer 422 UNKNOWN_REFERENCE naming the member whose person is unknown, and store nothing', async () => {
      const name = `Okänd ${uniqueId('g')}`;
      const res = await admin()
        .post('/v1/groups')
        .send(
          newGroup({
            name,
            members: [
              { personId: persons[0].id, role: 'LEADER', from: '2024-01-01' },
              { personId: randomUUID(), role: 'PARTICIPANT', from: '2024-01-01' },
            ],
          }),
        )
        .expect(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'members[1].personId', code: 'UNKNOWN_REFERENCE', message: expect.any(String) }]);
      expect(
        (
          await admin()
            .get(`/v1/groups?name=${encodeURIComponent(name)}`)
            .expect(200)
        ).body.items,
      ).toEqual([]);
    });

    it('should answer 422 UNKNOWN_REFERENCE on organisationId for an unknown organisation', async () => {
      const res = await admin()
        .post('/v1/groups')
        .send(newGroup({ organisationId: randomUUID() }))
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'organisationId', code: 'UNKNOWN_REFERENCE', message: expect.any(String) }]);
    });

    it('should answer 422 OVERLAPPING_MEMBERSHIP for one person twice at once', async () => {
      const members = [
        { personId: persons[2].id, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-12-31' },
        { personId: persons[2].id, role: 'LEADER', from: '2024-12-31' },
      ];
      const res = await admin().post('/v1/groups').send(newGroup({ members })).expect(422);
      expect(res.body.errors).toEqual([{ field: 'members[1]', code: 'OVERLAPPING_MEMBERSHIP', message: expect.any(String) }]);
    });

    it('should answer 422 naming each field of a body of the wrong shape', async () => {
      const res = await admin()
        .post('/v1/groups')
        .send({ organisationId: 'x', type: 'CLUB', members: [{ personId: persons[0].id, role: 'COACH', from: '2024-02-30' }] })
        .expect(422);
      const fields = (res.body.errors as { field: string; code: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['organisationId', 'name', 'type', 'members[0].role', 'members[0].from']));
    });

    it('should answer 422 when a membership ends before it starts', async () => {
      const res = await admin()
        .post('/v1/groups')
        .send(newGroup({ members: [{ personId: persons[0].id, role: 'LEADER', from: '2024-05-01', to: '2024-04-01' }] }))
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'members[0].to', code: 'INVALID_DATE', message: 'A membership cannot end before it starts.' }]);
    });
  });

  describe('GET', () => {
    const ids: string[] = [];
    const tag = uniqueId('lista').toLowerCase();

    beforeAll(async () => {
      ids.push((await create(newGroup({ name: `${tag} a`, type: 'TEAM' }))).id);
      ids.push((await create(newGroup({ name: `${tag} b`, type: 'TRAINING', members: [{ personId: persons[2].id, role: 'PARTICIPANT', from: '2025-01-01' }] }))).id);
      ids.push((await create(newGroup({ name: `${tag} c`, organisationId: other.id, type: 'TEAM', members: [] }))).id);
    });

    it('should get a group by id, with its ETag', async () => {
      const res = await admin().get(`/v1/groups/${ids[0]}`).expect(200);
      expect(res.headers['etag']).toBe('"1"');
      expect(res.body).toMatchObject({ id: ids[0], name: `${tag} a`, version: 1 });
    });

    it('should answer 404 problem+json for an unknown id and for an id that is no uuid', async () => {
      for (const id of [randomUUID(), 'nope']) {
        const res = await admin().get(`/v1/groups/${id}`).expect(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.body).toMatchObject({ status: 404, detail: 'No group with this id.' });
      }
    });

    it('should filter by name prefix, organisation, type and member', async () => {
      const names = async (query: string) => ((await admin().get(`/v1/groups?${query}`).expect(200)).body.items as { name: string }[]).map((g) => g.name).sort();
      expect(await names(`name=${encodeURIComponent(tag.toUpperCase())}`)).toEqual([`${tag} a`, `${tag} b`, `${tag} c`]);
      expect(await names(`name=${tag}&organisationId=${other.id}`)).toEqual([`${tag} c`]);
      expect(await names(`name=${tag}&type=TEAM`)).toEqual([`${tag} a`, `${tag} c`]);
      expect(await names(`name=${tag}&personId=${persons[2].id}`)).toEqual([`${tag} b`]);
    });

    it('should page through a list with nextCursor', async () => {
      const first = (await admin().get(`/v1/groups?name=${tag}&limit=2`).expect(200)).body as { items: { id: string }[]; nextCursor: string };
      expect(first.items).toHaveLength(2);
      const second = (await admin().get(`/v1/groups?name=${tag}&limit=2&cursor=${first.nextCursor}`).expect(200)).body as { items: { id: string }[]; nextCursor: string | null };
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].map((g) => g.id).sort()).toEqual([...ids].sort());
      const bad = await admin().get('/v1/groups?cursor=garbage!').expect(422);
      expect(bad.body.errors).toEqual([{ field: 'cursor', code: expect.any(String), message: expect.any(String) }]);
    });

    it("should page through a group's members, and list those in force on a day", async () => {
      const members = [
        { personId: persons[0].id, role: 'LEADER', from: '2024-01-01' },
        { personId: persons[1].id, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' },
        { personId: persons[2].id, role: 'PARTICIPANT', from: '2024-08-01' },
        { personId: persons[1].id, role: 'PARTICIPANT', from: '2024-09-01' },
      ];
      const { id } = await create(newGroup({ members }));
      type MemberPage = { items: { personId: string }[]; nextCursor: string | null };
      const page1 = (await admin().get(`/v1/groups/${id}/members?limit=3`).expect(200)).body as MemberPage;
      expect(page1.items.map((m) => m.personId)).toEqual([persons[0].id, persons[1].id, persons[2].id]);
      const page2 = (await admin().get(`/v1/groups/${id}/members?limit=3&cursor=${page1.nextCursor}`).expect(200)).body;
      expect(page2).toEqual({ items: [{ personId: persons[1].id, role: 'PARTICIPANT', from: '2024-09-01', to: null }], nextCursor: null });
      const onDay = (await admin().get(`/v1/groups/${id}/members?on=2024-07-15`).expect(200)).body;
      expect(onDay).toEqual({ items: [{ personId: persons[0].id, role: 'LEADER', from: '2024-01-01', to: null }], nextCursor: null });
      const lastDay = (await admin().get(`/v1/groups/${id}/members?on=2024-06-30`).expect(200)).body as MemberPage;
      expect(lastDay.items.map((m) => m.personId)).toEqual([persons[0].id, persons[1].id]);
      const bad = await admin().get(`/v1/groups/${id}/members?on=2024-02-30`).expect(422);
      expect(bad.body.errors).toEqual([{ field: 'on', code: 'INVALID_DATE', message: expect.any(String) }]);
      await admin().get(`/v1/groups/${randomUUID()}/members`).expect(404);
    });
  });

  describe('PATCH /v1/groups/:id', () => {
    it('should answer 428 without If-Match and 412 for a stale version, changing nothing', async () => {
      const { id } = await create(newGroup());
      await admin().patch(`/v1/groups/${id}`).send({ name: 'Nytt' }).expect(428);
      const stale = await admin().patch(`/v1/groups/${id}`).set('If-Match', '"7"').send({ name: 'Nytt' }).expect(412);
      expect(stale.body.errors).toEqual([{ field: 'version', code: 'STALE_VERSION', message: expect.any(String) }]);
      expect((await admin().get(`/v1/groups/${id}`).expect(200)).body).toMatchObject({ version: 1 });
    });

    it('should change the named fields, clear sport with null, and publish an UPDATE naming them', async () => {
      const { id } = await create(newGroup());
      const res = await admin()
        .patch(`/v1/groups/${id}`)
        .set('If-Match', '"1"')
        .send({ status: 'INACTIVE', sport: null, members: [{ personId: persons[2].id, role: 'LEADER', from: '2025-01-01' }] })
        .expect(200);
      expect(res.headers['etag']).toBe('"2"');
      expect(res.body).toMatchObject({ status: 'INACTIVE', sport: null, members: [{ personId: persons[2].id, role: 'LEADER', from: '2025-01-01', to: null }], version: 2 });
      expect(await eventOf(id, 'UPDATE', 2)).toMatchObject({ changedFields: ['sport', 'members', 'status'], source: { system: 'api' } });
    });

    it('should refuse to clear the name (422) and answer 404 for an unknown group', async () => {
      const { id } = await create(newGroup());
      const res = await admin().patch(`/v1/groups/${id}`).set('If-Match', '"1"').send({ name: null }).expect(422);
      expect(res.body.errors).toEqual([{ field: 'name', code: 'REQUIRED', message: expect.any(String) }]);
      await admin().patch(`/v1/groups/${randomUUID()}`).set('If-Match', '"1"').send({ name: 'X' }).expect(404);
    });
  });

  describe('DELETE /v1/groups/:id', () => {
    it('should delete: 204, a DELETE event with the group before, a tombstone, then 404', async () => {
      const { id } = await create(newGroup());
      await admin().delete(`/v1/groups/${id}`).expect(204);
      expect(await eventOf(id, 'DELETE')).toMatchObject({ version: 2, before: { id }, after: null });
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === id && s.value === null));
      await admin().get(`/v1/groups/${id}`).expect(404);
      await admin().delete(`/v1/groups/${id}`).expect(404);
    });
  });

  it('should describe /v1/groups in the OpenAPI document', async () => {
    const { DocumentBuilder, SwaggerModule } = await import('@nestjs/swagger');
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/groups', '/v1/groups/{id}', '/v1/groups/{id}/members']));
  });
});
