/**
 * `/v1/groups` with an organisation-scoped API key: the key sees and changes only the groups of its
 * organisation's subtree (from the service's projection of the organisation state topic); every
 * other group answers 404 exactly like an unknown id, lists are filtered, and a group cannot be
 * created in or moved to an organisation outside the subtree.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Organisation, Person } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { club, projectedPerson } from '../test/group-factory';
import { createGroupTestApp } from '../test/group-test-app';
import { GroupTopicsHarness } from '../test/group-topics.harness';
import { GroupsController } from './groups.controller';

describe(`${GroupsController.name} with an organisation-scoped key`, () => {
  const prefix = `${uniqueId('groups-scope')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new GroupTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;
  let district: Organisation;
  let clubA: Organisation;
  let sectionOfA: Organisation;
  let clubB: Organisation;
  let person: Person;
  let clubKey: string;
  const groupIn: Record<'a' | 'section' | 'b', string> = { a: '', section: '', b: '' };
  const tag = uniqueId('scoped').toLowerCase();

  const as = (key: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${key}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${key}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${key}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${key}`),
  });
  const body = (organisationId: string, name: string) => ({ organisationId, name, type: 'TRAINING', members: [{ personId: person.id, role: 'PARTICIPANT', from: '2024-01-01' }] });

  beforeAll(async () => {
    app = await createGroupTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    district = club({ type: 'DISTRICT' });
    clubA = club({ parentId: district.id });
    sectionOfA = club({ type: 'SECTION', parentId: clubA.id });
    clubB = club({ parentId: district.id });
    person = projectedPerson();
    await topics.publishOrganisations([district, clubA, sectionOfA, clubB]);
    await topics.publishPersons([person]);
    const ids = [district.id, clubA.id, sectionOfA.id, clubB.id, person.id];
    await waitFor('the projections', async () => {
      const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM "group".known_entity WHERE id = ANY($1::uuid[])', [ids]);
      return n === ids.length ? true : undefined;
    });
    const created = await as(adminKey)
      .post('/v1/api-keys')
      .send({ name: 'club-a-tool', roles: ['read', 'import'], organisationId: clubA.id })
      .expect(201);
    clubKey = created.body.key as string;
    groupIn.a = (
      await as(adminKey)
        .post('/v1/groups')
        .send(body(clubA.id, `${tag} a`))
        .expect(201)
    ).body.id;
    groupIn.section = (
      await as(adminKey)
        .post('/v1/groups')
        .send(body(sectionOfA.id, `${tag} section`))
        .expect(201)
    ).body.id;
    groupIn.b = (
      await as(adminKey)
        .post('/v1/groups')
        .send(body(clubB.id, `${tag} b`))
        .expect(201)
    ).body.id;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it('should see the groups of its club and the sections below it', async () => {
    await as(clubKey).get(`/v1/groups/${groupIn.a}`).expect(200);
    await as(clubKey).get(`/v1/groups/${groupIn.section}`).expect(200);
    await as(clubKey).get(`/v1/groups/${groupIn.section}/members`).expect(200);
  });

  it("should answer 404 for another club's group exactly as for an unknown id, on GET, members, PATCH and DELETE", async () => {
    const unknown = await as(clubKey).get(`/v1/groups/${randomUUID()}`).expect(404);
    const hidden = await as(clubKey).get(`/v1/groups/${groupIn.b}`).expect(404);
    expect({ ...hidden.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    await as(clubKey).get(`/v1/groups/${groupIn.b}/members`).expect(404);
    await as(clubKey).patch(`/v1/groups/${groupIn.b}`).set('If-Match', '"1"').send({ name: 'Kapad' }).expect(404);
    await as(clubKey).delete(`/v1/groups/${groupIn.b}`).expect(404);
    expect((await as(adminKey).get(`/v1/groups/${groupIn.b}`).expect(200)).body).toMatchObject({ name: `${tag} b`, version: 1 });
  });

  it('should list only the groups of its subtree', async () => {
    const listed = (await as(clubKey).get(`/v1/groups?name=${tag}`).expect(200)).body.items as { id: string }[];
    expect(listed.map((g) => g.id).sort()).toEqual([groupIn.a, groupIn.section].sort());
    expect((await as(clubKey).get(`/v1/groups?organisationId=${clubB.id}`).expect(200)).body.items).toEqual([]);
  });

  it('should refuse with 404 a group created in, or moved to, another club, and create one in its own', async () => {
    const res = await as(clubKey)
      .post('/v1/groups')
      .send(body(clubB.id, `${tag} intrång`))
      .expect(404);
    expect(res.body).toMatchObject({ status: 404, detail: 'No organisation with this id.' });
    await as(clubKey).patch(`/v1/groups/${groupIn.a}`).set('If-Match', '"1"').send({ organisationId: clubB.id }).expect(404);
    expect(
      (
        await as(adminKey)
          .get(`/v1/groups?name=${encodeURIComponent(`${tag} intrång`)}`)
          .expect(200)
      ).body.items,
    ).toEqual([]);
    await as(clubKey)
      .post('/v1/groups')
      .send(body(sectionOfA.id, `${tag} egen`))
      .expect(201);
  });
});
