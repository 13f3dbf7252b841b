/**
 * `/v1/persons` end to end on the real broker, registry and Postgres: what a client sees (status,
 * headers, problem+json) and what downstream consumers see (events, state) for each call.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ApiKeyService } from '@stafett/api';
import type { PersonChanged } from '@stafett/contracts';
import { invalidLuhn } from '@stafett/domain';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { distinctPerson } from '../test/rest-person.factory';
import { createPersonTestApp } from '../test/person-test-app';
import { PersonTopicsHarness } from '../test/person-topics.harness';
import { PersonsController } from './persons.controller';

const PROBLEM = /^application\/problem\+json/;

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

describe(PersonsController.name, () => {
  const prefix = `${uniqueId('persons-api')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new PersonTopicsHarness(prefix);
  let app: INestApplication;

  const as = (key: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${key}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${key}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${key}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${key}`),
  });
  const admin = () => as(adminKey);
  const eventOf = (id: string, op: PersonChanged['op']) =>
    waitFor(`the ${op} event of ${id}`, () => topics.events.find((e) => e.value.entityId === id && e.value.op === op)?.value);

  /** A valid person as a REST body (memberships by organisation id, optional ones dropped). */
  const newPerson = (i: number, overrides: Record<string, unknown> = {}) => {
    const { personalIdentityNumber, firstName, lastName, birthDate, sex, address, email, phone } = distinctPerson(i);
    return { personalIdentityNumber, firstName, lastName, birthDate, sex, address, email, phone, ...overrides };
  };
  const create = async (body: Record<string, unknown>) => (await admin().post('/v1/persons').send(body).expect(201)).body as { id: string; version: number };

  beforeAll(async () => {
    app = await createPersonTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    await topics.startReading();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  describe('authentication', () => {
    it('should answer 401 problem+json with WWW-Authenticate: Bearer without a key', async () => {
      const res = await request(app.getHttpServer()).get('/v1/persons?name=x').expect(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="stafett"');
      expect(res.body).toEqual({
        type: 'urn:stafett:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: expect.stringContaining('Authorization: Bearer'),
        instance: '/v1/persons',
      });
    });

    it('should answer 401 with error="invalid_token" for a wrong key', async () => {
      const res = await as(`${adminKey}-wrong`).get('/v1/persons').expect(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="stafett", error="invalid_token"/);
      expect(res.body).toMatchObject({ status: 401, detail: 'The API key is unknown, revoked or expired.' });
    });

    it('should answer problem+json for an unknown /v1 route, and leave other paths to Nest', async () => {
      const res = await admin().get('/v1/nothing-here').expect(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/v1/nothing-here' });
      const other = await request(app.getHttpServer()).get('/nothing-here').expect(404);
      expect(other.headers['content-type']).toMatch(/^application\/json/);
      expect(other.body).toMatchObject({ statusCode: 404 });
    });

    it('should let the configured bootstrap admin key in', async () => {
      await admin().get('/v1/persons?limit=1').expect(200);
    });

    it("should record the name of the caller's key as source.actor", async () => {
      const { key } = await app.get(ApiKeyService).create({ name: 'club-admin-tool', roles: ['import'], expiresAt: null });
      const res = await as(key).post('/v1/persons').send(newPerson(1)).expect(201);
      expect((await eventOf(res.body.id, 'CREATE')).source).toMatchObject({ system: 'api', actor: 'club-admin-tool' });
    });
  });

  describe('POST /v1/persons', () => {
    it('should create a person: 201 with ETag and Location, and a CREATE event from source "api"', async () => {
      const body = newPerson(10);
      const res = await admin().post('/v1/persons').send(body).expect(201);
      const id: string = res.body.id;
      expect(res.headers['etag']).toBe('"1"');
      expect(res.headers['location']).toBe(`/v1/persons/${id}`);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        personalIdentityNumber: body.personalIdentityNumber,
        firstName: body.firstName,
        lastName: body.lastName,
        birthDate: body.birthDate,
        sex: body.sex,
        address: { street: body.address!.street, postalCode: '11455', city: 'Stockholm', countryCode: 'SE' },
        email: body.email,
        phone: expect.stringMatching(/^\+467\d{8}$/),
        status: 'ACTIVE',
        memberships: [],
        guardians: [],
        disability: false,
        externalIds: [],
        version: 1,
      });
      const event = await eventOf(id, 'CREATE');
      expect(event).toMatchObject({ version: 1, before: null, source: { system: 'api', actor: 'admin', connectorId: null }, after: { id, lastName: body.lastName } });
      const state = await waitFor('the state', () => topics.state.find((s) => s.message.key?.toString() === id)?.value);
      expect(state).toMatchObject({ id, firstName: body.firstName });
    });

    it('should refuse an invalid personnummer with 422 naming the field, and store nothing', async () => {
      const lastName = `Ogiltig${Date.now()}`;
      const body = newPerson(11, { lastName });
      const res = await admin()
        .post('/v1/persons')
        .send({ ...body, personalIdentityNumber: invalidLuhn(body.personalIdentityNumber!) })
        .expect(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:validation-failed', status: 422, instance: '/v1/persons' });
      expect(res.body.errors[0]).toEqual({ field: 'personalIdentityNumber', code: 'INVALID_CHECKSUM', message: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toContain(body.personalIdentityNumber!.slice(0, 8));
      expect((await admin().get(`/v1/persons?name=${lastName}`).expect(200)).body).toEqual({ items: [], nextCursor: null });
    });

    it('should answer 422 with one error per field for a body of the wrong shape', async () => {
      const res = await admin()
        .post('/v1/persons')
        .send({ firstName: 5, sex: 'F', memberships: [{ organisationId: 'club-1', from: '2024-02-30' }] })
        .expect(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      const fields = (res.body.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`);
      expect(fields).toEqual(
        expect.arrayContaining([
          'firstName:INVALID_FORMAT',
          'lastName:REQUIRED',
          'sex:INVALID_ENUM',
          'memberships[0].organisationId:INVALID_FORMAT',
          'memberships[0].from:INVALID_DATE',
        ]),
      );
    });

    it('should answer 400 problem+json for a body that is not JSON', async () => {
      const res = await admin().post('/v1/persons').set('Content-Type', 'application/json').send('{"firstName": ').expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:malformed-request', status: 400 });
    });

    it('should name the REST field of an unknown guardian', async () => {
      const res = await admin()
        .post('/v1/persons')
        .send(newPerson(13, { guardians: [{ personId: randomUUID() }] }))
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'guardians[0].personId', code: 'UNKNOWN_REFERENCE', message: expect.any(String) }]);
    });

    it('should answer 409 for a personnummer that is already in the register, and change nothing', async () => {
      const body = newPerson(12);
      const first = await create(body);
      const res = await admin()
        .post('/v1/persons')
        .send({ ...body, firstName: 'Dubblett' })
        .expect(409);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:conflict', errors: [{ field: 'personalIdentityNumber', code: 'AMBIGUOUS_MATCH' }] });
      expect((await admin().get(`/v1/persons/${first.id}`).expect(200)).body).toMatchObject({ firstName: body.firstName, version: 1 });
    });
  });

  describe('POST /v1/persons with hostile or impossible input', () => {
    it('should answer 422 UNKNOWN_FIELD for a field the API does not have, and store nothing', async () => {
      const body = newPerson(60, { nickname: 'Bosse' });
      const res = await admin().post('/v1/persons').send(body).expect(422);
      expect(res.body.errors).toEqual([{ field: 'nickname', code: 'UNKNOWN_FIELD', message: 'property nickname should not exist' }]);
      expect((await admin().get(`/v1/persons?personalIdentityNumber=${body.personalIdentityNumber}`).expect(200)).body.items).toEqual([]);
    });

    it('should answer 422 for the birth date 0001-01-01, not 500', async () => {
      const res = await admin()
        .post('/v1/persons')
        .send(newPerson(61, { personalIdentityNumber: undefined, birthDate: '0001-01-01' }))
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'birthDate', code: 'INVALID_DATE', message: 'A birth date cannot be before 1800-01-01.' }]);
    });

    it('should answer 422 for a birth date in the future when there is no personnummer', async () => {
      const next = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      const res = await admin()
        .post('/v1/persons')
        .send(newPerson(62, { personalIdentityNumber: undefined, birthDate: next }))
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'birthDate', code: 'INVALID_DATE', message: 'A birth date cannot be in the future.' }]);
    });

    it('should answer 400, not 500, for JSON nested 10,000 deep', async () => {
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const res = await admin().post('/v1/persons').set('content-type', 'application/json').send(`{"firstName":"A","lastName":"B","address":${deep}}`).expect(400);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:malformed-request', status: 400 });
    });

    it('should answer 422 naming the field that holds a NUL character', async () => {
      const res = await admin()
        .post('/v1/persons')
        .send(newPerson(63, { lastName: 'Berg\u0000' }))
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'lastName', code: 'INVALID_FORMAT', message: expect.stringContaining('NUL') }]);
    });

    it('should answer 422 naming the field that holds half of a surrogate pair, and keep a whole pair as sent', async () => {
      const res = await admin()
        .post('/v1/persons')
        .send(newPerson(64, { firstName: 'Anna\ud800', address: { street: '\udc00Storgatan 1', city: 'Umeå', postalCode: '90325', countryCode: 'SE' } }))
        .expect(422);
      expect(res.body.errors).toEqual([
        { field: 'firstName', code: 'INVALID_FORMAT', message: expect.stringContaining('surrogate') },
        { field: 'address.street', code: 'INVALID_FORMAT', message: expect.stringContaining('surrogate') },
      ]);
      const { id } = await create(newPerson(65, { firstName: 'Anna \ud83c\udfc3' }));
      expect((await admin().get(`/v1/persons/${id}`).expect(200)).body.firstName).toBe('Anna \ud83c\udfc3');
    });
  });

  describe('protectedIdentity on REST', () => {
    it('should keep nothing of a new person flagged protected: 204, no event, not found, and the number refused later', async () => {
      const body = newPerson(70, { protectedIdentity: true });
      await admin().post('/v1/persons').send(body).expect(204);
      expect((await admin().get(`/v1/persons?personalIdentityNumber=${body.personalIdentityNumber}`).expect(200)).body.items).toEqual([]);
      const later = await admin()
        .post('/v1/persons')
        .send(newPerson(70, { personalIdentityNumber: body.personalIdentityNumber, birthDate: body.birthDate }))
        .expect(409);
      expect(topics.events.some((e) => e.value.after?.personalIdentityNumber === body.personalIdentityNumber)).toBe(false);
      expect(later.body.errors).toEqual([{ field: 'personalIdentityNumber', code: 'AMBIGUOUS_MATCH', message: 'The personal identity number already belongs to a person.' }]);
    });

    it('should erase an existing person flagged protected by PATCH: 204, a DELETE event without personal data', async () => {
      const { id } = await create(newPerson(71));
      await admin().patch(`/v1/persons/${id}`).set('If-Match', '"1"').send({ protectedIdentity: true }).expect(204);
      const deleted = await eventOf(id, 'DELETE');
      expect(deleted).toMatchObject({ before: null, after: null });
      await admin().get(`/v1/persons/${id}`).expect(404);
    });

    it('should answer a protected number exactly as a number that belongs to a person, so the answer tells no one who is protected', async () => {
      const taken = newPerson(72);
      await create(taken);
      const protectedOne = newPerson(73, { protectedIdentity: true });
      await admin().post('/v1/persons').send(protectedOne).expect(204);
      const a = await admin()
        .post('/v1/persons')
        .send(newPerson(74, { personalIdentityNumber: taken.personalIdentityNumber, birthDate: taken.birthDate }))
        .expect(409);
      const b = await admin()
        .post('/v1/persons')
        .send(newPerson(75, { personalIdentityNumber: protectedOne.personalIdentityNumber, birthDate: protectedOne.birthDate }))
        .expect(409);
      expect(b.body).toEqual(a.body);
    });
  });

  describe('GET /v1/persons', () => {
    const organisationId = randomUUID();
    const namePrefix = `Zq${Date.now().toString(36)}`;
    let ids: string[];
    let pnrOfFirst: string;

    beforeAll(async () => {
      // Memberships resolve their organisation from the projection of the organisation state topic; no organisation service runs here.
      await app.get(DataSource).query(`INSERT INTO person.known_entity (entity, id, version, type) VALUES ('organisation', $1, 1, 'CLUB')`, [organisationId]);
      const bodies = [0, 1, 2].map((i) =>
        newPerson(20 + i, { lastName: `${namePrefix}son${i}`, memberships: [{ organisationId, from: '2024-01-01', to: i === 2 ? '2024-06-30' : null }] }),
      );
      pnrOfFirst = bodies[0].personalIdentityNumber!;
      ids = [];
      for (const b of bodies) ids.push((await create(b)).id);
      await create(newPerson(23, { firstName: `${namePrefix.toUpperCase()}A`, lastName: 'Annan' }));
    });

    it('should get a person by id, with its ETag', async () => {
      const res = await admin().get(`/v1/persons/${ids[0]}`).expect(200);
      expect(res.headers['etag']).toBe('"1"');
      expect(res.body).toMatchObject({ id: ids[0], version: 1, memberships: [{ organisationId, from: '2024-01-01', to: null }] });
    });

    it('should answer 404 problem+json for an unknown id, and for an id that is no uuid', async () => {
      const res = await admin().get(`/v1/persons/${randomUUID()}`).expect(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:not-found', status: 404 });
      await admin().get('/v1/persons/not-a-uuid').expect(404);
    });

    it('should list the members of an organisation in two pages', async () => {
      const first = await admin().get(`/v1/persons?organisationId=${organisationId}&limit=2`).expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await admin().get(`/v1/persons?organisationId=${organisationId}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ memberships: [expect.objectContaining({ organisationId })] })], nextCursor: null });
      const listed = [...(first.body as Page).items, ...(second.body as Page).items].map((p) => p.id);
      expect(listed).toEqual([...ids].sort());
    });

    it('should read a page in as many queries for 500 persons as for one (no N+1)', async () => {
      const queries = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const countFor = async (url: string) => {
        queries.mockClear();
        await admin().get(url).expect(200);
        return queries.mock.calls.length;
      };
      try {
        const one = await countFor(`/v1/persons?organisationId=${organisationId}&limit=1`);
        expect(await countFor(`/v1/persons?limit=500`)).toBe(one);
        expect(one).toBeLessThanOrEqual(8); // BEGIN, page ids, persons, memberships, guardians, external ids, COMMIT (+ the key check)
      } finally {
        queries.mockRestore();
      }
    });

    it('should filter by a case-insensitive prefix of the first or the last name', async () => {
      const res = await admin().get(`/v1/persons?name=${namePrefix.toLowerCase()}`).expect(200);
      expect(res.body.items).toHaveLength(4);
      const byLast = (await admin().get(`/v1/persons?name=${namePrefix}SON1`).expect(200)).body as Page;
      expect(byLast.items.map((p) => p.id)).toEqual([ids[1]]);
    });

    it('should find a person by personnummer, however it is written', async () => {
      const dashed = `${pnrOfFirst.slice(0, 8)}-${pnrOfFirst.slice(8)}`;
      const page = (await admin().get(`/v1/persons?personalIdentityNumber=${dashed}`).expect(200)).body as Page;
      expect(page.items.map((p) => p.id)).toEqual([ids[0]]);
    });

    it('should answer 422 naming the parameter for a bad limit or cursor', async () => {
      const limit = await admin().get('/v1/persons?limit=501').expect(422);
      expect(limit.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
      const cursor = await admin().get('/v1/persons?cursor=bm90LWEtY3Vyc29y').expect(422);
      expect(cursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor', code: 'INVALID_FORMAT' })]);
    });
  });

  describe('PATCH /v1/persons/:id', () => {
    let id: string;

    beforeAll(async () => {
      id = (await create(newPerson(30))).id;
    });

    it('should answer 428 without If-Match', async () => {
      const res = await admin().patch(`/v1/persons/${id}`).send({ email: 'ny@example.se' }).expect(428);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:precondition-required', status: 428 });
    });

    it('should answer 412 with a stale If-Match, and change nothing', async () => {
      const res = await admin().patch(`/v1/persons/${id}`).set('If-Match', '"7"').send({ email: 'ny@example.se' }).expect(412);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:precondition-failed', errors: [{ code: 'STALE_VERSION' }] });
      expect((await admin().get(`/v1/persons/${id}`).expect(200)).headers['etag']).toBe('"1"');
    });

    it('should apply a patch with the right If-Match: 200, the new ETag, an UPDATE naming only the patched fields', async () => {
      const res = await admin().patch(`/v1/persons/${id}`).set('If-Match', '"1"').send({ email: 'ny@example.se', phone: '08-123 456 78' }).expect(200);
      expect(res.headers['etag']).toBe('"2"');
      expect(res.body).toMatchObject({ id, email: 'ny@example.se', phone: '+46812345678', version: 2 });
      const event = await eventOf(id, 'UPDATE');
      expect(event).toMatchObject({ version: 2, changedFields: ['email', 'phone'], source: { system: 'api', actor: 'admin' }, after: { email: 'ny@example.se' } });
    });

    it('should clear a field given as null', async () => {
      const res = await admin().patch(`/v1/persons/${id}`).set('If-Match', '"2"').send({ address: null }).expect(200);
      expect(res.body).toMatchObject({ address: null, version: 3 });
      const event = await waitFor('the version 3 event', () => topics.events.find((e) => e.value.entityId === id && e.value.version === 3)?.value);
      expect(event.changedFields).toEqual(['address']);
    });

    it('should answer 404 for an unknown person', async () => {
      await admin().patch(`/v1/persons/${randomUUID()}`).set('If-Match', '"1"').send({ email: 'x@example.se' }).expect(404);
    });
  });

  describe('DELETE /v1/persons/:id', () => {
    it('should delete: 204, a DELETE event, a tombstone on the state topic, then 404', async () => {
      const body = newPerson(40);
      const { id } = await create(body);
      await admin().delete(`/v1/persons/${id}`).expect(204);
      expect(await eventOf(id, 'DELETE')).toMatchObject({ version: 2, after: null, before: { id, lastName: body.lastName } });
      const tombstone = await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === id && s.value === null));
      expect(tombstone.message.value).toBeNull();
      await admin().get(`/v1/persons/${id}`).expect(404);
      await admin().delete(`/v1/persons/${id}`).expect(404);
    });
  });

  describe('POST /v1/persons/:id/erase', () => {
    it('should erase: 204, a DELETE event without personal data, a tombstone', async () => {
      const lastName = `Raderasson${Date.now()}`;
      const body = newPerson(50, { lastName, email: 'radera@example.se' });
      const { id } = await create(body);
      await eventOf(id, 'CREATE');
      const rawBefore = topics.raw.length;
      await admin().post(`/v1/persons/${id}/erase`).expect(204);
      expect(await eventOf(id, 'DELETE')).toMatchObject({ version: 2, before: null, after: null, changedFields: [] });
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === id && s.value === null));
      const since = topics.raw.slice(rawBefore);
      const leaks = since.filter((m) => [body.personalIdentityNumber!, lastName, 'radera@example.se'].some((s) => m.value?.includes(Buffer.from(s)) ?? false));
      expect({ checked: since.length > 0, leaks }).toEqual({ checked: true, leaks: [] });
      await admin().get(`/v1/persons/${id}`).expect(404);
    });
  });

  describe('OpenAPI', () => {
    it('should document every /v1/persons route with bearer security and its problem answers', () => {
      const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
      expect(
        Object.keys(doc.paths)
          .filter((p) => p.startsWith('/v1/persons'))
          .sort(),
      ).toEqual(['/v1/persons', '/v1/persons/{id}', '/v1/persons/{id}/erase']);
      const v1 = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/persons'));
      const operations = v1.flatMap(([, p]) => Object.values(p as Record<string, { security?: unknown; responses: Record<string, unknown> }>));
      expect(operations).toHaveLength(6);
      for (const op of operations) {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op.responses).toHaveProperty('401');
        expect(op.responses).toHaveProperty('403');
      }
      expect(doc.paths['/v1/persons/{id}'].patch?.responses).toHaveProperty('412');
    });
  });
});
