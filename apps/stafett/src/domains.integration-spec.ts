/**
 * The four services together in the all-in-one process, through the public surface only (POST
 * /v1/imports, the REST resources, API keys): references across services, parking, hierarchy
 * rules, erasure reaching groups and activities, and organisation-scoped keys on every resource.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { luhnCheckDigit } from '@stafett/domain';
import { validPerson } from '@stafett/person/testing';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { createApp } from './create-app';

const WAIT_MS = 8_000;

/** A valid organisationsnummer (an ideell förening's, 802…) of its own per run. */
function orgnr(): string {
  const nine = `802${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

interface GroupView {
  members?: { personId: string; role: string }[];
}
interface ActivityView {
  participants: { personId: string }[];
}

interface Result {
  externalId: string;
  outcome: string;
  entityId: string | null;
  reasons: { code: string; field?: string | null; message: string }[];
}

describe('the four services in one process', () => {
  const adminKey = `stf_${uniqueId('domains-admin').replace(/[^A-Za-z0-9_-]/g, '')}`;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const admin = (r: request.Test) => r.set('authorization', `Bearer ${adminKey}`);
  const system = uniqueId('src').replace(/[^A-Za-z0-9_-]/g, '');
  const ref = (externalId: string) => ({ system, externalId });
  let serial = 0;

  /** Imports records through POST /v1/imports and waits for the batch report to be DONE. */
  async function importAll(
    records: { entityType: string; externalId: string; op?: string; payload?: unknown }[],
    key = adminKey,
    timeoutMs = 60_000,
  ): Promise<Map<string, Result>> {
    const res = await http()
      .post('/v1/imports')
      .set('authorization', `Bearer ${key}`)
      .send({ source: { system }, records: records.map((r) => ({ op: 'UPSERT', ...r })) })
      .expect(202);
    const report = await waitFor(
      `batch ${res.body.batchId as string}`,
      async () => {
        const got = await http()
          .get(`/v1/imports/${res.body.batchId as string}`)
          .set('authorization', `Bearer ${key}`);
        return got.body.status === 'DONE' ? (got.body as { results: Result[] }) : undefined;
      },
      timeoutMs,
      200,
    );
    return new Map(report.results.map((r) => [r.externalId, r]));
  }

  beforeAll(async () => {
    app = await createApp(testConfig({ STAFETT_ADMIN_API_KEY: adminKey, STAFETT_REFERENCE_WAIT_MS: String(WAIT_MS) }));
    await app.init();
    await waitFor('ready', async () => ((await http().get('/health/ready')).status === 200 ? true : undefined), 60_000, 250);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  const ids: Record<string, string> = {};

  it('should build the hierarchy federation → district → clubs → section, and refuse wrong parents and cycles with codes', async () => {
    const orgs = await importAll([
      { entityType: 'organisation', externalId: 'fed', payload: { type: 'FEDERATION', name: 'Förbundet', organisationNumber: orgnr() } },
      { entityType: 'organisation', externalId: 'district', payload: { type: 'DISTRICT', name: 'Distriktet', parent: ref('fed') } },
      { entityType: 'organisation', externalId: 'club-a', payload: { type: 'CLUB', name: 'Klubb A', parent: ref('district'), municipalityCode: '0180' } },
      { entityType: 'organisation', externalId: 'club-b', payload: { type: 'CLUB', name: 'Klubb B', parent: ref('district'), municipalityCode: '1480' } },
      { entityType: 'organisation', externalId: 'section-a', payload: { type: 'SECTION', name: 'Sektion A', parent: ref('club-a') } },
      { entityType: 'organisation', externalId: 'bad-fed', payload: { type: 'FEDERATION', name: 'Under en klubb', parent: ref('club-a') } },
    ]);
    for (const k of ['fed', 'district', 'club-a', 'club-b', 'section-a']) {
      expect(orgs.get(k)).toMatchObject({ outcome: 'CREATED' });
      ids[k] = orgs.get(k)!.entityId!;
    }
    expect(orgs.get('bad-fed')).toMatchObject({ outcome: 'REJECTED', reasons: [expect.objectContaining({ code: 'INVALID_PARENT', field: 'parent' })] });
    const cycle = await importAll([{ entityType: 'organisation', externalId: 'district', payload: { parent: ref('section-a'), type: 'OTHER' } }]);
    expect(cycle.get('district')).toMatchObject({ outcome: 'REJECTED', reasons: expect.arrayContaining([expect.objectContaining({ code: 'HIERARCHY_CYCLE', field: 'parent' })]) });
  });

  it(
    'should apply an activity imported before its participants once they arrive, and reject one whose participant never arrives naming it',
    async () => {
      const early = importAll(
        [
          {
            entityType: 'activity',
            externalId: 'act-early',
            payload: {
              organisation: ref('club-a'),
              type: 'TRAINING',
              title: 'Träning',
              startsAt: '2026-02-02T17:00:00Z',
              endsAt: '2026-02-02T18:30:00Z',
              participants: [
                { person: ref('p-leader'), role: 'LEADER', attended: false },
                { person: ref('p-1'), role: 'PARTICIPANT', attended: false },
              ],
            },
          },
          {
            entityType: 'activity',
            externalId: 'act-never',
            payload: {
              organisation: ref('club-a'),
              type: 'TRAINING',
              title: 'Ingen kommer',
              startsAt: '2026-02-03T17:00:00Z',
              endsAt: '2026-02-03T18:30:00Z',
              participants: [{ person: ref('p-nobody'), role: 'PARTICIPANT', attended: false }],
            },
          },
        ],
        adminKey,
        WAIT_MS + 90_000,
      );
      // The persons arrive after the activity was parked.
      await new Promise((r) => setTimeout(r, 1_000));
      const persons = await importAll([
        {
          entityType: 'person',
          externalId: 'p-leader',
          payload: { ...validPerson(serial++), firstName: 'Lea', lastName: 'Ledare', memberships: [{ organisation: ref('club-a'), from: '2020-01-01' }] },
        },
        {
          entityType: 'person',
          externalId: 'p-1',
          payload: { ...validPerson(serial++), firstName: 'Ada', lastName: 'Aktiv', memberships: [{ organisation: ref('club-a'), from: '2021-01-01' }] },
        },
        {
          entityType: 'person',
          externalId: 'p-b',
          payload: { ...validPerson(serial++), firstName: 'Bo', lastName: 'Bortre', memberships: [{ organisation: ref('club-b'), from: '2021-01-01' }] },
        },
      ]);
      for (const k of ['p-leader', 'p-1', 'p-b']) {
        expect(persons.get(k)).toMatchObject({ outcome: 'CREATED' });
        ids[k] = persons.get(k)!.entityId!;
      }
      const acts = await early;
      expect(acts.get('act-early')).toMatchObject({ outcome: 'CREATED' });
      ids['act-early'] = acts.get('act-early')!.entityId!;
      expect(acts.get('act-never')).toMatchObject({
        outcome: 'REJECTED',
        entityId: null,
        reasons: [expect.objectContaining({ code: 'UNKNOWN_REFERENCE', field: 'participants[0].person' })],
      });
      const activity = await admin(http().get(`/v1/activities/${ids['act-early']}`)).expect(200);
      const participants = (activity.body as ActivityView).participants.map((p) => p.personId);
      expect(participants.sort()).toEqual([ids['p-leader'], ids['p-1']].sort());
    },
    WAIT_MS + 120_000,
  );

  it('should remove an erased person from group members and activity participants, via events', async () => {
    const groups = await importAll([
      {
        entityType: 'group',
        externalId: 'grp-a',
        payload: {
          organisation: ref('club-a'),
          name: 'F14',
          type: 'TRAINING',
          members: [
            { person: ref('p-leader'), role: 'LEADER', from: '2025-08-01' },
            { person: ref('p-1'), role: 'PARTICIPANT', from: '2025-08-01' },
          ],
        },
      },
      {
        entityType: 'group',
        externalId: 'grp-b',
        payload: { organisation: ref('club-b'), name: 'P13', type: 'TEAM', members: [{ person: ref('p-b'), role: 'PARTICIPANT', from: '2025-08-01' }] },
      },
    ]);
    ids['grp-a'] = groups.get('grp-a')!.entityId!;
    ids['grp-b'] = groups.get('grp-b')!.entityId!;
    expect(groups.get('grp-a')).toMatchObject({ outcome: 'CREATED' });

    await admin(http().post(`/v1/persons/${ids['p-1']}/erase`)).expect(204);
    const group = await waitFor('the group without the erased member', async () => {
      const got = (await admin(http().get(`/v1/groups/${ids['grp-a']}`))).body as GroupView;
      return got.members?.length === 1 ? got : undefined;
    });
    expect(group.members).toEqual([expect.objectContaining({ personId: ids['p-leader'], role: 'LEADER' })]);
    const activity = await waitFor('the activity without the erased participant', async () => {
      const got = (await admin(http().get(`/v1/activities/${ids['act-early']}`))).body as ActivityView;
      return got.participants?.length === 1 ? got : undefined;
    });
    expect(activity.participants).toEqual([expect.objectContaining({ personId: ids['p-leader'] })]);
  });

  it('should apply a group and an activity that wait for the same person (by personnummer and by link) once the person arrives', async () => {
    // The services share one projection of the person state topic: one write of it wakes both.
    const late = { ...validPerson(serial++), firstName: 'Sen', lastName: 'Ankomst', memberships: [{ organisation: ref('club-a'), from: '2022-01-01' }] };
    const waiting = importAll(
      [
        {
          entityType: 'group',
          externalId: 'grp-wait',
          payload: {
            organisation: ref('club-a'),
            name: 'Väntar',
            type: 'TRAINING',
            members: [{ person: { personalIdentityNumber: late.personalIdentityNumber }, role: 'PARTICIPANT', from: '2025-08-01' }],
          },
        },
        {
          entityType: 'activity',
          externalId: 'act-wait',
          payload: {
            organisation: ref('club-a'),
            type: 'TRAINING',
            title: 'Väntar',
            startsAt: '2026-03-02T17:00:00Z',
            endsAt: '2026-03-02T18:30:00Z',
            participants: [{ person: ref('p-late'), role: 'PARTICIPANT', attended: false }],
          },
        },
      ],
      adminKey,
      WAIT_MS + 90_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const person = (await importAll([{ entityType: 'person', externalId: 'p-late', payload: late }])).get('p-late')!;
    expect(person).toMatchObject({ outcome: 'CREATED' });
    const both = await waiting;
    expect(both.get('grp-wait')).toMatchObject({ outcome: 'CREATED' });
    expect(both.get('act-wait')).toMatchObject({ outcome: 'CREATED' });
    const group = (await admin(http().get(`/v1/groups/${both.get('grp-wait')!.entityId}`)).expect(200)).body as GroupView;
    expect(group.members).toEqual([expect.objectContaining({ personId: person.entityId })]);
    const activity = (await admin(http().get(`/v1/activities/${both.get('act-wait')!.entityId}`)).expect(200)).body as ActivityView;
    expect(activity.participants).toEqual([expect.objectContaining({ personId: person.entityId })]);
  }, WAIT_MS + 120_000);

  it("should answer 404 to a club-scoped key for another club's organisations, persons, groups and activities", async () => {
    const created = await admin(http().post('/v1/api-keys'))
      .send({ name: 'klubb-a', roles: ['read', 'import'], organisationId: ids['club-a'] })
      .expect(201);
    const key = created.body.key as string;
    const scoped = (r: request.Test) => r.set('authorization', `Bearer ${key}`);
    const acts = await importAll([
      {
        entityType: 'activity',
        externalId: 'act-b',
        payload: {
          organisation: ref('club-b'),
          type: 'MATCH',
          title: 'Borta',
          startsAt: '2026-03-01T10:00:00Z',
          endsAt: '2026-03-01T12:00:00Z',
          participants: [{ person: ref('p-b'), role: 'PARTICIPANT' }],
        },
      },
    ]);
    ids['act-b'] = acts.get('act-b')!.entityId!;
    // Its own club's entities are visible.
    await scoped(http().get(`/v1/organisations/${ids['club-a']}`)).expect(200);
    await scoped(http().get(`/v1/persons/${ids['p-leader']}`)).expect(200);
    await scoped(http().get(`/v1/groups/${ids['grp-a']}`)).expect(200);
    await scoped(http().get(`/v1/activities/${ids['act-early']}`)).expect(200);
    // Another club's are not: the same 404 as an unknown id, on reads and writes.
    for (const [resource, id] of [
      ['organisations', ids['club-b']],
      ['persons', ids['p-b']],
      ['groups', ids['grp-b']],
      ['activities', ids['act-b']],
    ] as const) {
      const get = await scoped(http().get(`/v1/${resource}/${id}`));
      expect([resource, get.status]).toEqual([resource, 404]);
      const patch = await scoped(http().patch(`/v1/${resource}/${id}`))
        .set('if-match', '"1"')
        .send({});
      expect([resource, patch.status]).toEqual([resource, 404]);
      const del = await scoped(http().delete(`/v1/${resource}/${id}`)).set('if-match', '"1"');
      expect([resource, del.status]).toEqual([resource, 404]);
      const list = await scoped(http().get(`/v1/${resource}`)).expect(200);
      expect((list.body as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(id);
    }
    // Imports through the key are confined to its club.
    const confined = await importAll([{ entityType: 'group', externalId: 'grp-b', payload: { name: 'Övertagen' } }], key);
    expect(confined.get('grp-b')).toMatchObject({ outcome: 'REJECTED', reasons: [expect.objectContaining({ code: 'OUT_OF_SCOPE' })] });
  });

  it('should list every resource in the OpenAPI document', async () => {
    const docs = await http().get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/v1/organisations', '/v1/persons', '/v1/groups', '/v1/activities', '/v1/imports', '/v1/changes', '/v1/api-keys', '/v1/organisations/{id}/subtree']),
    );
  });

  describe('what a hostile or careless client sends to the new resources', () => {
    const resources = [
      ['organisations', 'name'],
      ['groups', 'name'],
      ['activities', 'title'],
    ] as const;

    it('should answer 401 without a key and 403 to a read-only key that writes', async () => {
      const created = await admin(http().post('/v1/api-keys'))
        .send({ name: 'reader', roles: ['read'] })
        .expect(201);
      for (const [resource] of resources) {
        expect([resource, (await http().get(`/v1/${resource}`)).status]).toEqual([resource, 401]);
        const write = await http()
          .post(`/v1/${resource}`)
          .set('authorization', `Bearer ${created.body.key as string}`)
          .send({});
        expect([resource, write.status]).toEqual([resource, 403]);
      }
      expect((await http().get('/v1/changes')).status).toBe(401);
    });

    it('should answer 404 for a personnummer where an id belongs', async () => {
      for (const [resource] of resources) {
        const res = await admin(http().get(`/v1/${resource}/${validPerson(serial++).personalIdentityNumber!}`));
        expect([resource, res.status]).toEqual([resource, 404]);
        expect(JSON.stringify(res.body)).not.toMatch(/\d{12}/);
      }
    });

    it('should answer 422 naming the field that holds a NUL character, and 400 for JSON nested 10,000 deep', async () => {
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      for (const [resource, field] of resources) {
        const nul = await admin(http().post(`/v1/${resource}`)).send({ [field]: 'Klubb\u0000' });
        expect([resource, nul.status]).toEqual([resource, 422]);
        expect((nul.body as { errors: { field: string; code: string }[] }).errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code: 'INVALID_FORMAT' })]));
        const nested = await admin(http().post(`/v1/${resource}`))
          .set('content-type', 'application/json')
          .send(`{"${field}":"A","x":${deep}}`);
        expect([resource, nested.status]).toEqual([resource, 400]);
      }
    });
  });
});
