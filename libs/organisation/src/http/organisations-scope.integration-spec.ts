/**
 * `/v1/organisations` with a key bound to a club: the club's subtree is all it sees and changes;
 * every other organisation answers 404 exactly like an unknown id. The subtree comes from the
 * service's projection of its own state topic (`organisation.organisation_edge`).
 */
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { createOrganisationTestApp } from '../test/organisation-test-app';
import { OrganisationsController } from './organisations.controller';

interface Organisation {
  id: string;
  name: string;
}
const idsOf = (body: unknown) => (body as { items: Organisation[] }).items.map((o) => o.id);

describe(`${OrganisationsController.name} with an organisation-scoped key`, () => {
  const prefix = `${uniqueId('organisations-scope')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const run = uniqueId('r').slice(-8);
  let app: INestApplication;
  let clubKey: string;
  const org: Record<string, Organisation> = {};

  const as = (key: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${key}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${key}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${key}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${key}`),
  });
  const admin = () => as(adminKey);
  const club = () => as(clubKey);
  const create = async (body: Record<string, unknown>): Promise<Organisation> => (await admin().post('/v1/organisations').send(body).expect(201)).body as Organisation;

  beforeAll(async () => {
    app = await createOrganisationTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    org.fed = await create({ type: 'FEDERATION', name: `Förbund ${run}` });
    org.district = await create({ type: 'DISTRICT', name: `Distrikt ${run}`, parentId: org.fed.id });
    org.clubA = await create({ type: 'CLUB', name: `Klubb A ${run}`, parentId: org.district.id });
    org.sectionA = await create({ type: 'SECTION', name: `Sektion A ${run}`, parentId: org.clubA.id });
    org.clubB = await create({ type: 'CLUB', name: `Klubb B ${run}`, parentId: org.district.id });
    org.sectionB = await create({ type: 'SECTION', name: `Sektion B ${run}`, parentId: org.clubB.id });
    // The subtrees come from the projection of the state topic: wait until it holds both clubs' sections.
    const db = app.get<DataSource>(getDataSourceToken());
    await waitFor(
      'the organisation edges of both clubs',
      async () => {
        const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM organisation.organisation_edge WHERE child_id = ANY($1::uuid[])', [
          [org.sectionA.id, org.sectionB.id],
        ]);
        return n === 2 ? true : undefined;
      },
      30_000,
    );
    const key = await admin()
      .post('/v1/api-keys')
      .send({ name: `klubb-a-${run}`, roles: ['read', 'import'], organisationId: org.clubA.id })
      .expect(201);
    clubKey = key.body.key as string;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('should see its club and what is below it', async () => {
    await club().get(`/v1/organisations/${org.clubA.id}`).expect(200);
    await club().get(`/v1/organisations/${org.sectionA.id}`).expect(200);
    const subtree = await club().get(`/v1/organisations/${org.clubA.id}/subtree`).expect(200);
    expect(idsOf(subtree.body).sort()).toEqual([org.clubA.id, org.sectionA.id].sort());
  });

  it("should answer 404 for another club's organisations, exactly like an unknown id, on GET, PATCH and DELETE", async () => {
    const unknown = await club().get('/v1/organisations/00000000-0000-4000-8000-000000000000').expect(404);
    for (const other of [org.clubB, org.sectionB, org.district]) {
      const res = await club().get(`/v1/organisations/${other.id}`).expect(404);
      expect(res.body).toEqual({ ...unknown.body, instance: `/v1/organisations/${other.id}` });
    }
    await club().get(`/v1/organisations/${org.district.id}/subtree`).expect(404);
    await club().patch(`/v1/organisations/${org.sectionB.id}`).set('If-Match', '"1"').send({ name: 'Kapad' }).expect(404);
    await club().delete(`/v1/organisations/${org.sectionB.id}`).expect(404);
    const untouched = await admin().get(`/v1/organisations/${org.sectionB.id}`).expect(200);
    expect(untouched.body).toMatchObject({ name: `Sektion B ${run}`, version: 1 });
  });

  it('should list only its subtree', async () => {
    const page = await club().get(`/v1/organisations?parentId=${org.district.id}`).expect(200);
    expect(idsOf(page.body)).toEqual([org.clubA.id]);
    const all = await club().get('/v1/organisations?limit=500').expect(200);
    expect(idsOf(all.body).sort()).toEqual([org.clubA.id, org.sectionA.id].sort());
  });

  it('should create below its club, and refuse with 404 a create or a move into another club', async () => {
    const created = await club()
      .post('/v1/organisations')
      .send({ type: 'SECTION', name: `Ny sektion A ${run}`, parentId: org.clubA.id })
      .expect(201);
    const refused = await club()
      .post('/v1/organisations')
      .send({ type: 'SECTION', name: `Ny sektion B ${run}`, parentId: org.clubB.id })
      .expect(404);
    expect(refused.body).toMatchObject({ status: 404 });
    await club()
      .post('/v1/organisations')
      .send({ type: 'CLUB', name: `Fristående ${run}` })
      .expect(404);
    await club().patch(`/v1/organisations/${created.body.id}`).set('If-Match', '"1"').send({ parentId: org.clubB.id }).expect(404);
    const names = ((await admin().get(`/v1/organisations?parentId=${org.clubB.id}`).expect(200)).body as { items: Organisation[] }).items.map((o) => o.name);
    expect(names).toEqual([`Sektion B ${run}`]);
  });
});
