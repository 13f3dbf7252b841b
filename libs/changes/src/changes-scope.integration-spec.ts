/**
 * GET /v1/changes with organisation-scoped API keys: a key bound to an organisation sees only the
 * changes of its subtree, which the change log projects from the organisation state topic.
 * (The keys' binding, `organisationId` on POST /v1/api-keys, is another change: the HTTP half of this
 * file passes once both are on main; the first half checks the same scoping below the key guard.)
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { ChangeQueryService } from './http/queries/change-query.service';
import { createChangesTestApp } from './test/changes-test-app';
import { activityChanged, ChangesTopicsHarness, groupChanged, organisation, organisationChanged, ownTestDatabase, person, personChanged } from './test/changes-topics.harness';

interface Change {
  entity: string;
  entityId: string;
}

describe('GET /v1/changes with organisation-scoped keys', () => {
  const prefix = `${uniqueId('changes-scope')}.`;
  const adminKey = `stf_${uniqueId('changes-scope-admin-key')}`;
  const topics = new ChangesTopicsHarness(prefix);
  let database: { url: string; drop: () => Promise<void> };
  let app: INestApplication;

  // federation ← district ← club A ← section; district ← club B
  const federation = randomUUID();
  const district = randomUUID();
  const clubA = randomUUID();
  const section = randomUUID();
  const clubB = randomUUID();
  // Last changed long ago: its events have expired from the events topic, its state is kept (compacted).
  const quietClub = randomUUID();
  const inQuiet = randomUUID();
  const inA = randomUUID();
  const inSection = randomUUID();
  const inB = randomUUID();
  const inBoth = randomUUID();
  const groupA = randomUUID();
  const groupB = randomUUID();
  const activityA = randomUUID();
  const activityB = randomUUID();
  const everything = [federation, district, clubA, section, clubB, inA, inSection, inB, inBoth, inQuiet, groupA, groupB, activityA, activityB];

  const ids = (changes: readonly Change[]) => changes.map((c) => c.entityId).sort();

  /** Pages with `key` until nextCursor stops moving. */
  async function pageAll(key: string, query = ''): Promise<Change[]> {
    const changes: Change[] = [];
    let since: string | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await request(app.getHttpServer())
        .get(`/v1/changes?limit=3${query}${since ? `&since=${since}` : ''}`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      changes.push(...(res.body.changes as Change[]));
      if (res.body.nextCursor === since) return changes;
      since = res.body.nextCursor as string;
    }
    throw new Error('nextCursor never stopped moving');
  }

  /** Pages through the query service as a key bound to `scope` would. */
  async function pageAsScope(scope: string, entity?: 'person'): Promise<Change[]> {
    const changes: Change[] = [];
    let since: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await app.get(ChangeQueryService).page({ scope, limit: 3, ...(since ? { since } : {}), ...(entity ? { entity } : {}) });
      changes.push(...(page.changes as unknown as Change[]));
      if (page.nextCursor === since) return changes;
      since = page.nextCursor;
    }
    throw new Error('nextCursor never stopped moving');
  }

  beforeAll(async () => {
    database = await ownTestDatabase('changes_scope');
    await topics.provision();
    app = await createChangesTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey, DATABASE_URL: database.url }));
    await topics.publishOrganisations([
      organisationChanged(organisation(federation, { type: 'FEDERATION' })),
      organisationChanged(organisation(district, { type: 'DISTRICT', parentId: federation })),
      organisationChanged(organisation(clubA, { parentId: district })),
      organisationChanged(organisation(section, { type: 'SECTION', parentId: clubA })),
      organisationChanged(organisation(clubB, { parentId: district })),
    ]);
    await topics.publishStates([{ id: quietClub, state: organisation(quietClub, { parentId: district }) }]);
    await topics.publish('person', [
      personChanged(person(inQuiet, [quietClub])),
      personChanged(person(inA, [clubA])),
      personChanged(person(inSection, [section])),
      personChanged(person(inB, [clubB])),
      personChanged(person(inBoth, [clubB, clubA])),
    ]);
    await topics.publish('group', [groupChanged(groupA, clubA), groupChanged(groupB, clubB)]);
    await topics.publish('activity', [activityChanged(activityA, clubA), activityChanged(activityB, clubB)]);
    const rows = async () => Number((await app.get(DataSource).query<{ n: string }[]>('SELECT count(*) AS n FROM changes.change'))[0].n);
    await waitFor('every change in the log', async () => ((await rows()) === everything.length ? true : undefined), 60_000);
    const edges = async () => Number((await app.get(DataSource).query<{ n: string }[]>('SELECT count(*) AS n FROM changes.organisation_edge'))[0].n);
    await waitFor('the organisation tree', async () => ((await edges()) === 5 ? true : undefined), 60_000);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
    await database?.drop();
  });

  describe('below the key guard', () => {
    it("should give a club's scope only the changes of the club and what is below it", async () => {
      expect(ids(await pageAsScope(clubA))).toEqual([clubA, section, inA, inSection, inBoth, groupA, activityA].sort());
    });

    it("should give a district's scope its clubs and everything in them (also in a club with no change kept), not the federation above", async () => {
      expect(ids(await pageAsScope(district))).toEqual(everything.filter((id) => id !== federation).sort());
    });

    it('should combine the scope with the entity filter', async () => {
      expect(ids(await pageAsScope(clubB, 'person'))).toEqual([inB, inBoth].sort());
    });

    it('should give an organisation the log has never seen nothing', async () => {
      expect(await pageAsScope(randomUUID())).toEqual([]);
    });
  });

  describe('through the API keys', () => {
    const createKey = async (organisationId: string): Promise<string> => {
      const res = await request(app.getHttpServer())
        .post('/v1/api-keys')
        .set('Authorization', `Bearer ${adminKey}`)
        .send({ name: `club reader ${organisationId.slice(0, 8)}`, roles: ['read', 'import'], organisationId })
        .expect(201);
      return res.body.key as string;
    };

    it('should show a club-scoped key only the changes of its club', async () => {
      const key = await createKey(clubA);
      const seen = await pageAll(key);
      expect(ids(seen)).toEqual([clubA, section, inA, inSection, inBoth, groupA, activityA].sort());
      expect(seen.some((c) => ([clubB, inB, groupB, activityB] as string[]).includes(c.entityId))).toBe(false);
    });

    it("should show another club's key only that club's changes, also per entity", async () => {
      const key = await createKey(clubB);
      expect(ids(await pageAll(key, '&entity=group'))).toEqual([groupB]);
      expect(ids(await pageAll(key))).toEqual([clubB, inB, inBoth, groupB, activityB].sort());
    });

    it('should show the admin key everything', async () => {
      expect(ids(await pageAll(adminKey))).toEqual([...everything].sort());
    });
  });
});
