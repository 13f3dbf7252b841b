/**
 * `/v1/persons` through organisation-scoped API keys (DESIGN §2, OWASP API1): a key bound to a club
 * sees and changes only persons with a membership in the club or below it; every other person is
 * answered exactly like an unknown id. Real broker, registry and Postgres.
 *
 * Fixture: the subtrees come from the person service's projection of the organisation state topic
 * (`person.organisation_edge`). Until that projection is on main (the integrator's "Projections:"
 * commit) nothing fills the table in this app, so the edges are written directly, parent → child
 * (with the organisations' `known_entity` rows).
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { distinctPerson } from '../test/rest-person.factory';
import { createPersonTestApp } from '../test/person-test-app';
import { PersonsController } from './persons.controller';

interface Person {
  id: string;
  version: number;
  firstName: string;
  memberships: { organisationId: string; from: string; to: string | null }[];
}

describe(`${PersonsController.name} with organisation-scoped keys`, () => {
  const prefix = `${uniqueId('persons-scope')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  let app: INestApplication;

  // federation → club A → section A1; federation → club B.
  const federation = randomUUID();
  const clubA = randomUUID();
  const sectionA1 = randomUUID();
  const clubB = randomUUID();

  const as = (key: string) => ({
    get: (url: string) => request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${key}`),
    post: (url: string) => request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${key}`),
    patch: (url: string) => request(app.getHttpServer()).patch(url).set('Authorization', `Bearer ${key}`),
    delete: (url: string) => request(app.getHttpServer()).delete(url).set('Authorization', `Bearer ${key}`),
  });
  const admin = () => as(adminKey);
  const member = (organisationId: string) => ({ organisationId, from: '2024-01-01' });
  const lastName = `Omfang${Date.now()}`;
  let n = 0;
  const newPerson = (memberships: { organisationId: string; from: string }[]) => {
    const { personalIdentityNumber, firstName, birthDate, sex } = distinctPerson(9000 + n++);
    return { personalIdentityNumber, firstName, lastName, birthDate, sex, memberships };
  };
  const create = async (memberships: { organisationId: string; from: string }[]) => (await admin().post('/v1/persons').send(newPerson(memberships)).expect(201)).body as Person;
  const newKey = async (roles: string[], organisationId?: string) =>
    (
      await admin()
        .post('/v1/api-keys')
        .send({ name: uniqueId('scoped'), roles, ...(organisationId ? { organisationId } : {}) })
        .expect(201)
    ).body as { id: string; key: string; organisationId: string | null };
  /** The 404 of an id that names no person, without `instance` (it holds the path). */
  const unknownPerson = async (key: string) => {
    const { instance: _instance, ...body } = (await as(key).get(`/v1/persons/${randomUUID()}`).expect(404)).body as Record<string, unknown>;
    return body;
  };
  const withoutInstance = (body: Record<string, unknown>) => {
    const { instance: _instance, ...rest } = body;
    return rest;
  };

  let clubKey: string;
  let readOnlyClubKey: string;
  let inA: Person;
  let inSection: Person;
  let inB: Person;
  let inAandB: Person;

  beforeAll(async () => {
    app = await createPersonTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }), { imports: true });
    const db = app.get(DataSource);
    await db.query(`INSERT INTO person.organisation_edge (parent_id, child_id) VALUES ($1, $2), ($2, $3), ($1, $4)`, [federation, clubA, sectionA1, clubB]);
    // The projection's facts too, so memberships resolve once the person rules check their organisations.
    await db.query(
      `INSERT INTO person.known_entity (entity, id, version, type, organisation_ids)
       VALUES ('organisation', $1, 1, 'FEDERATION', '{}'), ('organisation', $2, 1, 'CLUB', ARRAY[$1]::uuid[]),
              ('organisation', $3, 1, 'SECTION', ARRAY[$2]::uuid[]), ('organisation', $4, 1, 'CLUB', ARRAY[$1]::uuid[])`,
      [federation, clubA, sectionA1, clubB],
    );
    clubKey = (await newKey(['read', 'import'], clubA)).key;
    readOnlyClubKey = (await newKey(['read'], clubA)).key;
    inA = await create([member(clubA)]);
    inSection = await create([member(sectionA1)]);
    inB = await create([member(clubB)]);
    inAandB = await create([member(clubB), member(clubA)]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  describe('keys', () => {
    it('should create a key bound to an organisation and show the binding in the answer, the list and the key', async () => {
      const created = await newKey(['read'], clubA.toUpperCase());
      expect(created.organisationId).toBe(clubA);
      const listed = (await admin().get('/v1/api-keys').expect(200)).body as { items: { id: string; organisationId: string | null }[] };
      expect(listed.items.find((k) => k.id === created.id)).toMatchObject({ organisationId: clubA });
      expect((await admin().get(`/v1/api-keys/${created.id}`).expect(200)).body).toEqual({
        id: created.id,
        name: expect.any(String),
        roles: ['read'],
        organisationId: clubA,
        keyHint: `stf_…${created.key.slice(-4)}`,
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        revokedAt: null,
      });
      await admin().get(`/v1/api-keys/${randomUUID()}`).expect(404);
    });

    it('should refuse to bind an admin key with 422 naming organisationId', async () => {
      const res = await admin()
        .post('/v1/api-keys')
        .send({ name: 'scoped-admin', roles: ['admin'], organisationId: clubA })
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'organisationId', code: 'INVALID_COMBINATION', message: expect.stringContaining('admin') }]);
    });

    it('should refuse an organisationId that is no uuid with 422 naming it', async () => {
      const res = await admin()
        .post('/v1/api-keys')
        .send({ name: 'bad-binding', roles: ['read'], organisationId: 'club-a' })
        .expect(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'organisationId' })]);
    });

    it('should not let a scoped key create keys (an admin key least of all) or list them', async () => {
      const res = await as(clubKey)
        .post('/v1/api-keys')
        .send({ name: 'escalate', roles: ['admin'] })
        .expect(403);
      expect(res.body).toMatchObject({ type: 'urn:stafett:problem:forbidden', status: 403 });
      await as(clubKey)
        .post('/v1/api-keys')
        .send({ name: 'widen', roles: ['read'] })
        .expect(403);
      await as(clubKey).get('/v1/api-keys').expect(403);
    });
  });

  describe('reads', () => {
    it("should show the club's persons, its section's, and a person also in another club", async () => {
      for (const p of [inA, inSection, inAandB]) {
        const res = await as(clubKey).get(`/v1/persons/${p.id}`).expect(200);
        expect(res.body).toMatchObject({ id: p.id, version: p.version });
        expect(res.headers['etag']).toBe(`"${p.version}"`);
      }
    });

    it("should answer another club's person exactly like an unknown id", async () => {
      const res = await as(clubKey).get(`/v1/persons/${inB.id}`).expect(404);
      expect(res.body).toEqual({ ...(await unknownPerson(clubKey)), instance: `/v1/persons/${inB.id}` });
      expect(withoutInstance(res.body)).toEqual({ type: 'urn:stafett:problem:not-found', title: 'Not found', status: 404, detail: 'No person with this id.' });
    });

    it("should list only the persons with a membership in the key's subtree, filters still applying", async () => {
      const listed = (await as(clubKey).get(`/v1/persons?name=${lastName}&limit=500`).expect(200)).body as { items: Person[] };
      expect(listed.items.map((p) => p.id).sort()).toEqual([inA.id, inSection.id, inAandB.id].sort());
      const byOrganisation = (await as(clubKey).get(`/v1/persons?organisationId=${clubB}`).expect(200)).body as { items: Person[] };
      expect(byOrganisation.items.map((p) => p.id)).toEqual([inAandB.id]);
      const byNumber = (
        await as(clubKey)
          .get(`/v1/persons?personalIdentityNumber=${(await admin().get(`/v1/persons/${inB.id}`)).body.personalIdentityNumber}`)
          .expect(200)
      ).body;
      expect(byNumber).toEqual({ items: [], nextCursor: null });
    });

    it('should let the admin key see every person', async () => {
      const listed = (await admin().get(`/v1/persons?name=${lastName}&limit=500`).expect(200)).body as { items: Person[] };
      expect(listed.items.map((p) => p.id)).toEqual(expect.arrayContaining([inA.id, inSection.id, inB.id, inAandB.id]));
      await admin().get(`/v1/persons/${inB.id}`).expect(200);
    });

    it('should let a section-scoped key see the section only, not the club above it', async () => {
      const sectionKey = (await newKey(['read'], sectionA1)).key;
      await as(sectionKey).get(`/v1/persons/${inSection.id}`).expect(200);
      await as(sectionKey).get(`/v1/persons/${inA.id}`).expect(404);
      const listed = (await as(sectionKey).get(`/v1/persons?name=${lastName}`).expect(200)).body as { items: Person[] };
      expect(listed.items.map((p) => p.id)).toEqual([inSection.id]);
    });
  });

  describe("another club's person", () => {
    it('should answer PATCH, DELETE and erase with the 404 of an unknown id, and leave the person as it was', async () => {
      const unknown = await unknownPerson(clubKey);
      const patched = await as(clubKey).patch(`/v1/persons/${inB.id}`).set('If-Match', `"${inB.version}"`).send({ firstName: 'Kapad' }).expect(404);
      expect(withoutInstance(patched.body)).toEqual(unknown);
      const deleted = await as(clubKey).delete(`/v1/persons/${inB.id}`).expect(404);
      expect(withoutInstance(deleted.body)).toEqual(unknown);
      await as(clubKey).delete(`/v1/persons/${inB.id}`).set('If-Match', `"${inB.version}"`).expect(404);
      const erased = await as(clubKey).post(`/v1/persons/${inB.id}/erase`).expect(404);
      expect(withoutInstance(erased.body)).toEqual(unknown);
      await as(clubKey).patch(`/v1/persons/${inB.id}`).send({ protectedIdentity: true }).expect(404);
      expect((await admin().get(`/v1/persons/${inB.id}`).expect(200)).body).toMatchObject({ version: inB.version, firstName: inB.firstName });
    });

    it('should answer a PATCH without If-Match with 428, as for an unknown id', async () => {
      await as(clubKey).patch(`/v1/persons/${randomUUID()}`).send({ firstName: 'X' }).expect(428);
      await as(clubKey).patch(`/v1/persons/${inB.id}`).send({ firstName: 'X' }).expect(428);
    });

    it('should not erase a holder outside the subtree on protectedIdentity, answering the same 204', async () => {
      const number = (await admin().get(`/v1/persons/${inB.id}`)).body.personalIdentityNumber as string;
      await as(clubKey)
        .post('/v1/persons')
        .send({ ...newPerson([member(clubA)]), personalIdentityNumber: number, protectedIdentity: true })
        .expect(204);
      expect((await admin().get(`/v1/persons/${inB.id}`).expect(200)).body).toMatchObject({ version: inB.version, personalIdentityNumber: number });
    });
  });

  describe("the club's own persons", () => {
    it('should change one (200), and its section member', async () => {
      const res = await as(clubKey).patch(`/v1/persons/${inA.id}`).set('If-Match', `"${inA.version}"`).send({ firstName: 'Ändrad' }).expect(200);
      expect(res.body).toMatchObject({ id: inA.id, firstName: 'Ändrad', version: inA.version + 1 });
      inA = res.body as Person;
      const section = await as(clubKey).patch(`/v1/persons/${inSection.id}`).set('If-Match', `"${inSection.version}"`).send({ firstName: 'Sektion' }).expect(200);
      inSection = section.body as Person;
    });

    it('should answer 412 for a stale If-Match', async () => {
      const res = await as(clubKey)
        .patch(`/v1/persons/${inA.id}`)
        .set('If-Match', `"${inA.version - 1}"`)
        .send({ firstName: 'Gammal' })
        .expect(412);
      expect(res.body.errors).toEqual([{ field: 'version', code: 'STALE_VERSION', message: `The person is at version ${inA.version}, not ${inA.version - 1}.` }]);
    });

    it('should refuse a membership in an organisation outside the subtree with 404 naming it, and change nothing', async () => {
      const res = await as(clubKey)
        .patch(`/v1/persons/${inA.id}`)
        .set('If-Match', `"${inA.version}"`)
        .send({ firstName: 'Flyttad', memberships: [member(clubA), member(clubB)] })
        .expect(404);
      expect(withoutInstance(res.body)).toEqual({
        type: 'urn:stafett:problem:not-found',
        title: 'Not found',
        status: 404,
        detail: 'No organisation with this id.',
        errors: [{ field: 'memberships[1].organisationId', code: 'UNKNOWN_REFERENCE', message: 'No organisation with this id.' }],
      });
      expect((await admin().get(`/v1/persons/${inA.id}`)).body).toMatchObject({ version: inA.version, firstName: inA.firstName });
    });

    it('should refuse moving a person out of the subtree, or clearing its memberships, with 404', async () => {
      const moved = await as(clubKey)
        .patch(`/v1/persons/${inA.id}`)
        .set('If-Match', `"${inA.version}"`)
        .send({ memberships: [member(clubB)] })
        .expect(404);
      expect(moved.body.errors).toEqual(expect.arrayContaining([{ field: 'memberships[0].organisationId', code: 'UNKNOWN_REFERENCE', message: 'No organisation with this id.' }]));
      const cleared = await as(clubKey).patch(`/v1/persons/${inA.id}`).set('If-Match', `"${inA.version}"`).send({ memberships: null }).expect(404);
      expect(cleared.body.errors).toEqual([{ field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) }]);
      await admin().get(`/v1/persons/${inA.id}`).expect(200);
    });

    it("should keep another club's membership of a shared person: kept as it is 200, removed or changed 404", async () => {
      const kept = await as(clubKey)
        .patch(`/v1/persons/${inAandB.id}`)
        .set('If-Match', `"${inAandB.version}"`)
        .send({ memberships: [member(clubB), { organisationId: sectionA1, from: '2025-01-01' }] })
        .expect(200);
      inAandB = kept.body as Person;
      expect(inAandB.memberships.map((m) => m.organisationId)).toEqual([clubB, sectionA1]);
      const removed = await as(clubKey)
        .patch(`/v1/persons/${inAandB.id}`)
        .set('If-Match', `"${inAandB.version}"`)
        .send({ memberships: [member(clubA)] })
        .expect(404);
      expect(removed.body.errors).toEqual([{ field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) }]);
      const changed = await as(clubKey)
        .patch(`/v1/persons/${inAandB.id}`)
        .set('If-Match', `"${inAandB.version}"`)
        .send({ memberships: [{ organisationId: clubB, from: '2024-01-01', to: '2024-12-31' }, member(clubA)] })
        .expect(404);
      expect(changed.body.errors).toEqual([
        { field: 'memberships[0]', code: 'OUT_OF_SCOPE', message: expect.any(String) },
        { field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) },
      ]);
    });

    it('should create a person in the section (201), and refuse one in another club or in none with 404', async () => {
      const created = await as(clubKey)
        .post('/v1/persons')
        .send(newPerson([member(sectionA1)]))
        .expect(201);
      await as(clubKey).get(`/v1/persons/${created.body.id}`).expect(200);
      const elsewhere = await as(clubKey)
        .post('/v1/persons')
        .send(newPerson([member(clubB)]))
        .expect(404);
      expect(elsewhere.body).toMatchObject({ status: 404, detail: 'No organisation with this id.' });
      expect(elsewhere.body.errors).toEqual([
        { field: 'memberships[0].organisationId', code: 'UNKNOWN_REFERENCE', message: 'No organisation with this id.' },
        { field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) },
      ]);
      const unknown = await as(clubKey)
        .post('/v1/persons')
        .send(newPerson([member(randomUUID())]))
        .expect(404);
      expect(withoutInstance(unknown.body)).toEqual(withoutInstance(elsewhere.body));
      const nowhere = await as(clubKey).post('/v1/persons').send(newPerson([])).expect(404);
      expect(nowhere.body.errors).toEqual([{ field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) }]);
      const listed = (await admin().get(`/v1/persons?name=${lastName}&organisationId=${clubB}`)).body as { items: Person[] };
      expect(listed.items.map((p) => p.id).sort()).toEqual([inB.id, inAandB.id].sort());
    });

    it('should erase its own person on protectedIdentity (204)', async () => {
      const doomed = await create([member(sectionA1)]);
      const number = (await admin().get(`/v1/persons/${doomed.id}`)).body.personalIdentityNumber as string;
      await as(clubKey)
        .post('/v1/persons')
        .send({ ...newPerson([member(clubA)]), personalIdentityNumber: number, protectedIdentity: true })
        .expect(204);
      await admin().get(`/v1/persons/${doomed.id}`).expect(404);
    });

    it('should delete one (204)', async () => {
      const doomed = await create([member(sectionA1)]);
      await as(clubKey).delete(`/v1/persons/${doomed.id}`).expect(204);
      await admin().get(`/v1/persons/${doomed.id}`).expect(404);
    });
  });

  describe('POST /v1/imports through the scoped key', () => {
    interface Report {
      status: string;
      results: { externalId: string; outcome: string; entityId: string | null; reasons: { code: string }[] }[];
    }

    it('should apply the records in its subtree and refuse the others with OUT_OF_SCOPE, reporting them to the key', async () => {
      const payload = (memberships: { organisationId: string; from: string }[]) => {
        const { memberships: _m, ...person } = newPerson(memberships);
        return { ...person, memberships: memberships.map((m) => ({ organisation: { id: m.organisationId }, from: m.from })) };
      };
      const numberOfB = (await admin().get(`/v1/persons/${inB.id}`)).body.personalIdentityNumber as string;
      const records = [
        { entityType: 'person', externalId: 'inside', op: 'UPSERT', payload: payload([member(sectionA1)]) },
        { entityType: 'person', externalId: 'elsewhere', op: 'UPSERT', payload: payload([member(clubB)]) },
        { entityType: 'person', externalId: 'their-member', op: 'UPSERT', payload: { personalIdentityNumber: numberOfB, firstName: 'Kapad' } },
      ];
      const accepted = await as(clubKey)
        .post('/v1/imports')
        .send({ source: { system: 'club-a-system' }, records })
        .expect(202);
      const done = await waitFor('the batch report', async () => {
        const report = (await as(clubKey).get(`/v1/imports/${accepted.body.batchId}`).expect(200)).body as Report;
        return report.status === 'DONE' ? report : undefined;
      });
      const byRecord = new Map(done.results.map((r) => [r.externalId, r]));
      expect(byRecord.get('inside')).toMatchObject({ outcome: 'CREATED', reasons: [] });
      expect(byRecord.get('elsewhere')).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'OUT_OF_SCOPE' }] });
      expect(byRecord.get('their-member')).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'OUT_OF_SCOPE' }] });
      await as(clubKey)
        .get(`/v1/persons/${byRecord.get('inside')!.entityId}`)
        .expect(200);
      expect((await admin().get(`/v1/persons/${inB.id}`).expect(200)).body).toMatchObject({ version: inB.version, firstName: inB.firstName });
    });

    it("should let a member of another club join the key's club by personnummer: the membership is added, the rest is left as it is", async () => {
      const joiner = (await admin()
        .post('/v1/persons')
        .send({ ...newPerson([member(clubB)]), email: 'joiner@example.se' })
        .expect(201)).body as Person;
      const number = (await admin().get(`/v1/persons/${joiner.id}`)).body.personalIdentityNumber as string;
      const accepted = await as(clubKey)
        .post('/v1/imports')
        .send({
          source: { system: 'club-a-member-file' },
          records: [
            {
              entityType: 'person',
              externalId: 'joiner',
              op: 'UPSERT',
              payload: { personalIdentityNumber: number, firstName: 'Kapad', memberships: [{ organisation: { id: clubA }, from: '2026-01-01' }], clearFields: ['email'] },
            },
          ],
        })
        .expect(202);
      const done = await waitFor('the batch report', async () => {
        const report = (await as(clubKey).get(`/v1/imports/${accepted.body.batchId}`).expect(200)).body as Report;
        return report.status === 'DONE' ? report : undefined;
      });
      expect(done.results[0]).toMatchObject({
        outcome: 'UPDATED',
        entityId: joiner.id,
        reasons: expect.arrayContaining([
          expect.objectContaining({ code: 'FIELD_OUTSIDE_SCOPE', field: 'firstName' }),
          expect.objectContaining({ code: 'FIELD_OUTSIDE_SCOPE', field: 'email' }),
        ]),
      });
      const after = (await admin().get(`/v1/persons/${joiner.id}`).expect(200)).body as { firstName: string; email: string | null; memberships: { organisationId: string }[] };
      expect(after.firstName).toBe(joiner.firstName);
      expect(after.email).toBe('joiner@example.se');
      expect(after.memberships.map((m) => m.organisationId).sort()).toEqual([clubA, clubB].sort());
      // Now a member of the key's club, the person is visible to it.
      await as(clubKey).get(`/v1/persons/${joiner.id}`).expect(200);
    });
  });

  describe('a read-only scoped key', () => {
    it("should still get 403 on every write, also to its own club's persons", async () => {
      await as(readOnlyClubKey).get(`/v1/persons/${inA.id}`).expect(200);
      await as(readOnlyClubKey).get(`/v1/persons/${inB.id}`).expect(404);
      await as(readOnlyClubKey)
        .post('/v1/persons')
        .send(newPerson([member(clubA)]))
        .expect(403);
      await as(readOnlyClubKey).patch(`/v1/persons/${inA.id}`).set('If-Match', `"${inA.version}"`).send({ firstName: 'Nej' }).expect(403);
      await as(readOnlyClubKey).delete(`/v1/persons/${inA.id}`).expect(403);
      await as(readOnlyClubKey).post(`/v1/persons/${inA.id}/erase`).expect(403);
    });
  });
});
