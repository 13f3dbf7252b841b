/**
 * `/v1/organisations` end to end on the real broker, registry and Postgres: what a client sees
 * (status, headers, problem+json) and what downstream consumers see (events, state) for each call.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import type { OrganisationChanged } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { makeOrganisationNumber } from '../test/organisation-factory';
import { createOrganisationTestApp } from '../test/organisation-test-app';
import { OrganisationTopicsHarness } from '../test/organisation-topics.harness';
import { OrganisationsController } from './organisations.controller';

const PROBLEM = /^application\/problem\+json/;

interface Organisation {
  id: string;
  name: string;
  type: string;
  parentId: string | null;
  version: number;
}
interface Page {
  items: Organisation[];
  nextCursor: string | null;
}

describe(OrganisationsController.name, () => {
  const prefix = `${uniqueId('organisations-api')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new OrganisationTopicsHarness(prefix);
  let app: INestApplication;
  /** Names unique to this run (the test files of a run share one database). */
  const run = uniqueId('r').slice(-8);

  const admin = {
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${adminKey}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${adminKey}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${adminKey}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${adminKey}`),
  };
  const eventOf = (id: string, op: OrganisationChanged['op'], version = 1) =>
    waitFor(`the ${op} event of ${id}`, () => topics.events.find((e) => e.value.entityId === id && e.value.op === op && e.value.version >= version)?.value);
  const create = async (body: Record<string, unknown>): Promise<Organisation> => (await admin.post('/v1/organisations').send(body).expect(201)).body as Organisation;
  const names = (page: Page) => page.items.map((o) => o.name).sort();

  const org: Record<string, Organisation> = {};

  beforeAll(async () => {
    app = await createOrganisationTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }), { imports: true });
    await topics.startReading();
    // RF → federation → district → two clubs → a section; a club only by federation membership; another federation.
    org.rf = await create({ type: 'CONFEDERATION', name: `RF ${run}` });
    org.fed = await create({ type: 'FEDERATION', name: `Förbund ${run}`, parentId: org.rf.id });
    org.district = await create({ type: 'DISTRICT', name: `Distrikt ${run}`, parentId: org.fed.id, municipalityCode: '0180' });
    org.club1 = await create({ type: 'CLUB', name: `Klubb A ${run}`, parentId: org.district.id, municipalityCode: '0180', organisationNumber: makeOrganisationNumber() });
    org.club2 = await create({ type: 'CLUB', name: `Klubb B ${run}`, parentId: org.district.id, municipalityCode: '1480' });
    org.section = await create({ type: 'SECTION', name: `Sektion ${run}`, parentId: org.club1.id });
    org.member = await create({ type: 'CLUB', name: `Medlemsklubb ${run}`, federations: [{ organisationId: org.fed.id, sport: 'Fotboll' }] });
    org.otherFed = await create({ type: 'FEDERATION', name: `Annat förbund ${run}`, parentId: org.rf.id });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  describe('POST /v1/organisations', () => {
    it('should create an organisation: 201 with ETag and Location, every field, and a CREATE event from source "api"', async () => {
      const organisationNumber = makeOrganisationNumber();
      const res = await admin
        .post('/v1/organisations')
        .send({
          type: 'CLUB',
          name: `  Ny   klubb ${run} `,
          organisationNumber: `${organisationNumber.slice(0, 6)}-${organisationNumber.slice(6)}`,
          parentId: org.district.id,
          municipalityCode: '0180',
          sports: ['Fotboll', ' fotboll', 'Bandy'],
          email: 'kansli@nyklubb.se',
          phone: '08-123 456 78',
          address: { street: 'Idrottens väg 1', postalCode: '114 55', city: 'Stockholm' },
          federations: [{ organisationId: org.fed.id, sport: 'Fotboll' }],
        })
        .expect(201);
      const id: string = res.body.id;
      expect(res.headers['etag']).toBe('"1"');
      expect(res.headers['location']).toBe(`/v1/organisations/${id}`);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'CLUB',
        name: `Ny klubb ${run}`,
        organisationNumber,
        parentId: org.district.id,
        municipalityCode: '0180',
        sports: ['Fotboll', 'Bandy'],
        email: 'kansli@nyklubb.se',
        phone: '+46812345678',
        address: { street: 'Idrottens väg 1', postalCode: '11455', city: 'Stockholm', countryCode: 'SE' },
        status: 'ACTIVE',
        externalIds: [],
        federations: [{ organisationId: org.fed.id, sport: 'Fotboll' }],
        version: 1,
      });
      const event = await eventOf(id, 'CREATE');
      expect(event).toMatchObject({
        version: 1,
        before: null,
        source: { system: 'api', actor: 'admin' },
        after: { id, parentId: org.district.id, federations: [{ organisationId: org.fed.id }] },
      });
      const state = await waitFor('the state', () => topics.state.find((s) => s.message.key?.toString() === id)?.value);
      expect(state).toMatchObject({ id, type: 'CLUB' });
      // The same organisationsnummer again is a conflict, not an update.
      const again = await admin.post('/v1/organisations').send({ type: 'CLUB', name: 'Dubblett', organisationNumber }).expect(409);
      expect(again.body.errors).toEqual([{ field: 'organisationNumber', code: 'AMBIGUOUS_MATCH', message: expect.any(String) }]);
    });

    it('should refuse a club as parent of a federation: 422 INVALID_PARENT naming parentId', async () => {
      const res = await admin.post('/v1/organisations').send({ type: 'FEDERATION', name: 'Fel förbund', parentId: org.club1.id }).expect(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'parentId', code: 'INVALID_PARENT', message: expect.stringContaining('cannot have a CLUB as parent') }]);
    });

    it('should refuse a section without a club, and federations on a district, naming each field', async () => {
      const section = await admin.post('/v1/organisations').send({ type: 'SECTION', name: 'Sektion utan klubb' }).expect(422);
      expect(section.body.errors).toEqual([{ field: 'parentId', code: 'REQUIRED', message: expect.any(String) }]);
      const district = await admin
        .post('/v1/organisations')
        .send({ type: 'DISTRICT', name: 'Distrikt', parentId: org.fed.id, federations: [{ organisationId: org.fed.id }] })
        .expect(422);
      expect(district.body.errors).toEqual([{ field: 'federations', code: 'INVALID_PARENT', message: expect.any(String) }]);
      const club = await admin
        .post('/v1/organisations')
        .send({ type: 'CLUB', name: 'Klubb', federations: [{ organisationId: org.fed.id }, { organisationId: org.district.id }] })
        .expect(422);
      expect(club.body.errors).toEqual([{ field: 'federations[1].organisationId', code: 'INVALID_PARENT', message: expect.any(String) }]);
    });

    it('should refuse an unknown parent (UNKNOWN_REFERENCE) and bad fields with their rules', async () => {
      const unknown = await admin.post('/v1/organisations').send({ type: 'CLUB', name: 'Klubb', parentId: '00000000-0000-4000-8000-000000000000' }).expect(422);
      expect(unknown.body.errors).toEqual([{ field: 'parentId', code: 'UNKNOWN_REFERENCE', message: expect.any(String) }]);
      const bad = await admin
        .post('/v1/organisations')
        .send({ type: 'CLUB', name: 'Klubb', organisationNumber: '8020001651', municipalityCode: '9999', address: { postalCode: '1234' } })
        .expect(422);
      expect((bad.body as { errors: { field: string; code: string }[] }).errors.map((e) => [e.field, e.code])).toEqual([
        ['organisationNumber', 'INVALID_CHECKSUM'],
        ['municipalityCode', 'INVALID_MUNICIPALITY_CODE'],
        ['address.postalCode', 'INVALID_POSTAL_CODE'],
      ]);
      const shape = await admin.post('/v1/organisations').send({ type: 'KLUBB', name: 'Klubb' }).expect(422);
      expect(shape.body.errors).toEqual([expect.objectContaining({ field: 'type' })]);
    });
  });

  describe('GET /v1/organisations', () => {
    it('should get one with its ETag, and answer 404 for an unknown or malformed id', async () => {
      const res = await admin.get(`/v1/organisations/${org.club1.id}`).expect(200);
      expect(res.headers['etag']).toBe('"1"');
      expect(res.body).toMatchObject({ id: org.club1.id, parentId: org.district.id, version: 1 });
      await admin.get('/v1/organisations/00000000-0000-4000-8000-000000000000').expect(404);
      const malformed = await admin.get('/v1/organisations/not-a-uuid').expect(404);
      expect(malformed.headers['content-type']).toMatch(PROBLEM);
    });

    it('should filter by parentId, type, name prefix and municipalityCode', async () => {
      expect(names((await admin.get(`/v1/organisations?parentId=${org.district.id}`).expect(200)).body)).toEqual([`Klubb A ${run}`, `Klubb B ${run}`, `Ny klubb ${run}`]);
      expect(names((await admin.get(`/v1/organisations?type=CLUB&name=${encodeURIComponent(`klubb a ${run}`)}`).expect(200)).body)).toEqual([`Klubb A ${run}`]);
      expect(names((await admin.get(`/v1/organisations?parentId=${org.district.id}&municipalityCode=1480`).expect(200)).body)).toEqual([`Klubb B ${run}`]);
      expect(names((await admin.get(`/v1/organisations?type=FEDERATION&name=${encodeURIComponent(`förbund ${run}`)}`).expect(200)).body)).toEqual([`Förbund ${run}`]);
      const bad = await admin.get('/v1/organisations?municipalityCode=99').expect(422);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'municipalityCode', code: 'INVALID_MUNICIPALITY_CODE' })]);
    });

    it('should page with nextCursor until the last page, each organisation once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = (await admin.get(`/v1/organisations?parentId=${org.district.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
        seen.push(...page.items.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(3);
      expect(new Set(seen).size).toBe(3);
      expect([...seen].sort()).toEqual(seen);
      await admin.get('/v1/organisations?cursor=bogus!').expect(422);
    });
  });

  describe('GET /v1/organisations/:id/subtree', () => {
    it('should answer the organisation and everything below it, by parent and by federation membership, paged', async () => {
      const seen: Organisation[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = (await admin.get(`/v1/organisations/${org.fed.id}/subtree?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(names({ items: seen, nextCursor: null })).toEqual(
        [`Distrikt ${run}`, `Förbund ${run}`, `Klubb A ${run}`, `Klubb B ${run}`, `Medlemsklubb ${run}`, `Ny klubb ${run}`, `Sektion ${run}`].sort(),
      );
    });

    it('should answer a leaf alone, and 404 for an unknown id', async () => {
      expect(names((await admin.get(`/v1/organisations/${org.section.id}/subtree`).expect(200)).body)).toEqual([`Sektion ${run}`]);
      await admin.get('/v1/organisations/00000000-0000-4000-8000-000000000000/subtree').expect(404);
    });
  });

  describe('PATCH /v1/organisations/:id', () => {
    it('should change what the body names: 200, new ETag, an UPDATE event with changedFields', async () => {
      const res = await admin
        .patch(`/v1/organisations/${org.club2.id}`)
        .set('If-Match', '"1"')
        .send({ name: `Klubb B2 ${run}`, email: 'b@klubb.se' })
        .expect(200);
      expect(res.headers['etag']).toBe('"2"');
      expect(res.body).toMatchObject({ name: `Klubb B2 ${run}`, email: 'b@klubb.se', parentId: org.district.id, version: 2 });
      const event = await eventOf(org.club2.id, 'UPDATE', 2);
      expect(event).toMatchObject({ changedFields: ['name', 'email'], before: { name: `Klubb B ${run}` }, after: { name: `Klubb B2 ${run}` } });
    });

    it('should move a club to the federation and clear its municipality with null', async () => {
      const res = await admin.patch(`/v1/organisations/${org.club2.id}`).set('If-Match', '"2"').send({ parentId: org.fed.id, municipalityCode: null }).expect(200);
      expect(res.body).toMatchObject({ parentId: org.fed.id, municipalityCode: null, version: 3 });
    });

    it('should refuse a federation moved under its own district: 422 HIERARCHY_CYCLE', async () => {
      const res = await admin.patch(`/v1/organisations/${org.fed.id}`).set('If-Match', '"1"').send({ parentId: org.district.id }).expect(422);
      expect(res.body.errors).toEqual([{ field: 'parentId', code: 'HIERARCHY_CYCLE', message: expect.any(String) }]);
    });

    it('should refuse a type its children cannot live with: 422 INVALID_PARENT on type', async () => {
      const res = await admin.patch(`/v1/organisations/${org.club1.id}`).set('If-Match', '"1"').send({ type: 'DISTRICT', parentId: org.fed.id }).expect(422);
      expect(res.body.errors).toEqual([{ field: 'type', code: 'INVALID_PARENT', message: expect.stringContaining('SECTION') }]);
    });

    it('should let only one of two concurrent moves that together make a cycle succeed', async () => {
      for (let i = 0; i < 5; i++) {
        const a = await create({ type: 'OTHER', name: `Kedja A${i} ${run}` });
        const b = await create({ type: 'OTHER', name: `Kedja B${i} ${run}` });
        const [ab, ba] = await Promise.all([
          admin.patch(`/v1/organisations/${a.id}`).set('If-Match', '"1"').send({ parentId: b.id }),
          admin.patch(`/v1/organisations/${b.id}`).set('If-Match', '"1"').send({ parentId: a.id }),
        ]);
        expect([ab.status, ba.status].sort()).toEqual([200, 422]);
        expect([ab, ba].find((r) => r.status === 422)!.body.errors).toEqual([expect.objectContaining({ field: 'parentId', code: 'HIERARCHY_CYCLE' })]);
      }
    });

    it('should answer 428 without If-Match, 412 for a stale one, 404 for an unknown id', async () => {
      await admin.patch(`/v1/organisations/${org.club1.id}`).send({ name: 'x' }).expect(428);
      const stale = await admin.patch(`/v1/organisations/${org.club1.id}`).set('If-Match', '"7"').send({ name: 'x' }).expect(412);
      expect(stale.body.errors).toEqual([expect.objectContaining({ code: 'STALE_VERSION' })]);
      await admin.patch('/v1/organisations/00000000-0000-4000-8000-000000000000').set('If-Match', '"1"').send({ name: 'x' }).expect(404);
    });
  });

  describe('DELETE /v1/organisations/:id', () => {
    it('should refuse an organisation with children: 409 HAS_CHILDREN, nothing deleted', async () => {
      const res = await admin.delete(`/v1/organisations/${org.district.id}`).expect(409);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'id', code: 'HAS_CHILDREN', message: expect.any(String) }]);
      await admin.get(`/v1/organisations/${org.district.id}`).expect(200);
    });

    it('should delete a leaf: 204, a DELETE event and a tombstone; then 404', async () => {
      await admin.delete(`/v1/organisations/${org.section.id}`).set('If-Match', '"1"').expect(204);
      expect(await eventOf(org.section.id, 'DELETE')).toMatchObject({ after: null, before: { id: org.section.id, type: 'SECTION' } });
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === org.section.id && s.value === null));
      await admin.get(`/v1/organisations/${org.section.id}`).expect(404);
      await admin.delete(`/v1/organisations/${org.section.id}`).expect(404);
    });
  });

  describe('OpenAPI', () => {
    it('should describe every route with bearer security, its problems and the DTO schemas', () => {
      const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
      expect(
        Object.keys(doc.paths)
          .filter((p) => p.startsWith('/v1/organisations'))
          .sort(),
      ).toEqual(['/v1/organisations', '/v1/organisations/{id}', '/v1/organisations/{id}/subtree']);
      const operations = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/v1/organisations'))
        .flatMap(([, p]) => Object.values(p as Record<string, { security?: unknown; responses: Record<string, unknown> }>));
      expect(operations).toHaveLength(6);
      for (const op of operations) {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op.responses).toHaveProperty('401');
        expect(op.responses).toHaveProperty('403');
      }
      expect(doc.paths['/v1/organisations/{id}'].delete?.responses).toHaveProperty('409');
      expect(Object.keys(doc.components?.schemas ?? {})).toEqual(expect.arrayContaining(['CreateOrganisationDto', 'OrganisationDto', 'OrganisationPageDto', 'FederationDto']));
    });
  });

  describe('POST /v1/imports', () => {
    it('should take organisation records and report them DONE', async () => {
      const submitted = await admin
        .post('/v1/imports')
        .send({
          source: { system: uniqueId('federation-system') },
          records: [
            { entityType: 'organisation', externalId: 'imp-1', op: 'UPSERT', payload: { type: 'CLUB', name: `Importklubb ${run}`, parent: { id: org.district.id } } },
            { entityType: 'organisation', externalId: 'imp-2', op: 'UPSERT', payload: { type: 'FEDERATION', name: 'Fel', parent: { id: org.club1.id } } },
          ],
        })
        .expect(202);
      const report = await waitFor('the report', async () => {
        const res = await admin.get(`/v1/imports/${submitted.body.batchId}`).expect(200);
        const body = res.body as { status: string; counts: unknown; results: unknown[] };
        return body.status === 'DONE' ? body : undefined;
      });
      expect(report.counts).toMatchObject({ created: 1, rejected: 1 });
      expect(report.results).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ externalId: 'imp-1', outcome: 'CREATED', entityType: 'organisation' }),
          expect.objectContaining({ externalId: 'imp-2', outcome: 'REJECTED', reasons: [expect.objectContaining({ code: 'INVALID_PARENT', field: 'parent' })] }),
        ]),
      );
    });
  });
});
