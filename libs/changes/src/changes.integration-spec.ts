/**
 * GET /v1/changes against the real broker and Postgres: change events produced to the events topics
 * as the domain services publish them, paged through with cursors until nextCursor stops moving.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { register } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { ChangesController } from './http/changes.controller';
import { ChangeRetention } from './retention/change-retention';
import { createChangesTestApp } from './test/changes-test-app';
import {
  activityChanged,
  ChangesTopicsHarness,
  groupChanged,
  organisation,
  organisationChanged,
  ownTestDatabase,
  person,
  personChanged,
  personErased,
} from './test/changes-topics.harness';

const PROBLEM = /^application\/problem\+json/;

interface Change {
  entity: string;
  eventId: string;
  entityId: string;
  version: number;
  op: string;
  [field: string]: unknown;
}

describe(ChangesController.name, () => {
  const prefix = `${uniqueId('changes')}.`;
  const adminKey = `stf_${uniqueId('changes-admin-key')}`;
  const topics = new ChangesTopicsHarness(prefix);
  let database: { url: string; drop: () => Promise<void> };
  let app: INestApplication;

  const RETENTION = { retentionIntervalMs: 1_000 };
  const config = (overrides: Record<string, string> = {}) =>
    testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey, DATABASE_URL: database.url, ...overrides });
  const get = (query: string) => request(app.getHttpServer()).get(`/v1/changes${query}`).set('Authorization', `Bearer ${adminKey}`);
  const count = async (sql = 'SELECT count(*) AS n FROM changes.change', params: unknown[] = []) => Number((await app.get(DataSource).query<{ n: string }[]>(sql, params))[0].n);

  /** Pages from `since` (or the oldest) with `limit` until nextCursor stops moving; the changes and the final cursor. */
  async function pageAll(query: { entity?: string; since?: string; limit?: number } = {}): Promise<{ changes: Change[]; cursor: string; pages: number }> {
    const changes: Change[] = [];
    let since = query.since;
    for (let pages = 1; pages < 1_000; pages++) {
      const params = new URLSearchParams();
      if (query.entity) params.set('entity', query.entity);
      if (since) params.set('since', since);
      params.set('limit', String(query.limit ?? 100));
      const res = await get(`?${params.toString()}`).expect(200);
      changes.push(...(res.body.changes as Change[]));
      expect(typeof res.body.nextCursor).toBe('string');
      if (res.body.nextCursor === since) return { changes, cursor: since!, pages };
      since = res.body.nextCursor as string;
    }
    throw new Error('nextCursor never stopped moving');
  }

  /** Waits until the log holds `n` rows (the consumer is asynchronous). */
  const appended = (n: number) => waitFor(`${n} changes in the log`, async () => ((await count()) >= n ? true : undefined), 60_000);

  beforeAll(async () => {
    database = await ownTestDatabase('changes');
    await topics.provision();
    app = await createChangesTestApp(config(), RETENTION);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
    await database?.drop();
  });

  it('should answer 401 problem+json without an API key', async () => {
    const res = await request(app.getHttpServer()).get('/v1/changes').expect(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('should page through the changes of every entity with cursors, each as the envelope in JSON, until nextCursor stops moving', async () => {
    const club = randomUUID();
    const anna = randomUUID();
    const group = randomUUID();
    const activity = randomUUID();
    await topics.publish('organisation', [organisationChanged(organisation(club))]);
    const personEvents = await topics.publish('person', [personChanged(person(anna, [club])), personChanged(person(anna, [club], { email: 'anna.berg@example.se' }), 2)]);
    await topics.publish('group', [groupChanged(group, club)]);
    await topics.publish('activity', [activityChanged(activity, club)]);
    await appended(5);

    const { changes, cursor, pages } = await pageAll({ limit: 2 });
    expect(pages).toBe(4); // 2 + 2 + 1, then the same cursor
    expect(changes.map((c) => `${c.entity}:${c.version}`).sort()).toEqual(['activity:1', 'group:1', 'organisation:1', 'person:1', 'person:2']);
    expect(changes.filter((c) => c.entity === 'person').map((c) => c.version)).toEqual([1, 2]); // per entity in order
    const update = changes.find((c) => c.entity === 'person' && c.version === 2)!;
    // The envelope as the REST API writes JSON: every field, dates YYYY-MM-DD, instants ISO 8601 UTC, no seq.
    expect(update).toEqual({
      entity: 'person',
      eventId: personEvents[1].eventId,
      entityId: anna,
      version: 2,
      op: 'UPDATE',
      occurredAt: personEvents[1].occurredAt.toISOString(),
      source: { system: 'rest', connectorId: null, batchId: null, actor: 'test' },
      correlationId: null,
      causationId: null,
      before: null,
      after: expect.objectContaining({ id: anna, birthDate: '2010-05-17', email: 'anna.berg@example.se', memberships: [{ organisationId: club, from: '2020-01-01', to: null }] }),
      changedFields: ['email'],
    });
    expect(changes.find((c) => c.entity === 'activity')!.after).toMatchObject({ startsAt: '2026-11-30T17:00:00.000Z', endsAt: '2026-11-30T18:30:00.000Z' });

    // Nothing new: the same cursor back, and an empty page.
    const idle = await get(`?since=${cursor}`).expect(200);
    expect(idle.body).toEqual({ changes: [], nextCursor: cursor });

    // A new change appears after the cursor, and only it.
    await topics.publish('group', [groupChanged(group, club, 2)]);
    await appended(6);
    const next = await pageAll({ since: cursor });
    expect(next.changes.map((c) => `${c.entity}:${c.entityId}:${c.version}`)).toEqual([`group:${group}:2`]);
  });

  it('should filter by entity', async () => {
    const { changes } = await pageAll({ entity: 'group', limit: 1 });
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(changes.map((c) => c.entity))).toEqual(new Set(['group']));
  });

  it('should never append a redelivered event twice (a consumer group replaying the topics from the start)', async () => {
    const before = await pageAll();
    const rows = await count();
    await app.close();
    // Another group reads every events topic from the beginning: all of it is redelivered to the same log.
    app = await createChangesTestApp(config(), { ...RETENTION, consumerGroup: uniqueId('replay') });
    const marker = randomUUID();
    await topics.publish('organisation', [organisationChanged(organisation(marker))]);
    await waitFor(
      'the marker after the replay',
      async () => ((await count(`SELECT count(*) AS n FROM changes.change WHERE entity_id = $1`, [marker])) === 1 ? true : undefined),
      60_000,
    );

    expect(await count()).toBe(rows + 1);
    const after = await pageAll({ since: before.cursor });
    expect(after.changes.map((c) => c.entityId)).toEqual([marker]);
    // Each row is an event as the topic carried it: a redelivered one would be the same bytes again.
    expect(await count('SELECT count(DISTINCT avro) AS n FROM changes.change')).toBe(rows + 1);
  });

  it("should delete an erased person's earlier changes, keeping only the erasure", async () => {
    const club = randomUUID();
    const erased = randomUUID();
    const kept = randomUUID();
    const start = (await pageAll()).cursor;
    await topics.publish('person', [
      personChanged(person(erased, [club], { firstName: 'Raderas' })),
      personChanged(person(kept, [club], { firstName: 'Finns' })),
      personChanged(person(erased, [club], { firstName: 'Raderas', email: 'raderas@example.se' }), 2),
    ]);
    await waitFor('the erased person in the log', async () => ((await count(`SELECT count(*) AS n FROM changes.change WHERE entity_id = $1`, [erased])) === 2 ? true : undefined));
    await topics.publish('person', [personErased(erased, 3)]);
    await waitFor('the erasure', async () => ((await count(`SELECT count(*) AS n FROM changes.change WHERE entity_id = $1 AND op = 'DELETE'`, [erased])) === 1 ? true : undefined));

    const { changes } = await pageAll({ since: start, entity: 'person' });
    expect(changes.filter((c) => c.entityId === erased)).toEqual([expect.objectContaining({ entityId: erased, version: 3, op: 'DELETE', before: null, after: null })]);
    expect(changes.filter((c) => c.entityId === kept)).toHaveLength(1);
    // Nothing of the erased person is left anywhere in the log.
    // (Avro writes strings as their UTF-8 bytes: a search of the stored bytes finds them.)
    expect(await count(`SELECT count(*) AS n FROM changes.change WHERE position(convert_to('Raderas', 'UTF8') IN avro) > 0 OR position(convert_to('raderas@', 'UTF8') IN avro) > 0`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM changes.change WHERE position(convert_to('Finns', 'UTF8') IN avro) > 0`)).toBe(1);
    // The erasure keeps the organisations of what it removed, so a key scoped to the club learns of it.
    expect(await count(`SELECT count(*) AS n FROM changes.change WHERE entity_id = $1 AND organisation_ids = ARRAY[$2::uuid]`, [erased, club])).toBe(1);
  });

  it('should delete changes older than the retention periodically and VACUUM the log', async () => {
    const org = randomUUID();
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
    // One organisation, so both events share a partition: once version 2 is in, version 1 was consumed before it.
    await topics.publish('organisation', [organisationChanged(organisation(org), 1, 'CREATE', fortyDaysAgo), organisationChanged(organisation(org, { name: 'Ny' }), 2)]);
    const versions = async () =>
      (await app.get(DataSource).query<{ version: string }[]>('SELECT version FROM changes.change WHERE entity_id = $1 ORDER BY seq', [org])).map((r) => Number(r.version));
    await waitFor('version 2 in the log', async () => ((await versions()).includes(2) ? true : undefined));
    // The app under test deletes expired changes every second.
    await waitFor('the expired version deleted', async () => ((await versions()).length === 1 ? true : undefined), 10_000);
    expect(await versions()).toEqual([2]);
    expect(await count(`SELECT count(*) AS n FROM changes.change WHERE occurred_at < now() - interval '30 days'`)).toBe(0);
    expect(await app.get(ChangeRetention).expire()).toBe(0);
    await waitFor(
      'the VACUUM in the statistics',
      async () =>
        (await count(`SELECT count(*) AS n FROM pg_stat_user_tables WHERE schemaname = 'changes' AND relname = 'change' AND vacuum_count > 0`)) === 1 ? true : undefined,
      10_000,
    );
  });

  it('should count appended changes, erasures and expired changes, and report the lag, in Prometheus metrics', async () => {
    const text = async (name: string) => register.getSingleMetricAsString(name);
    expect(await text('stafett_changes_appended_total')).toMatch(/stafett_changes_appended_total\{entity="person"\} [1-9]/);
    expect(await text('stafett_changes_erasures_total')).toMatch(/stafett_changes_erasures_total\{entity="person"\} 1/);
    expect(await text('stafett_changes_expired_total')).toMatch(/stafett_changes_expired_total [1-9]/);
    expect(await text('stafett_changes_lag')).toMatch(new RegExp(`stafett_changes_lag\\{topic="${prefix.replace(/\./g, '\\.')}stafett\\.person\\.events\\.v1"\\} 0`));
  });

  it.each([
    ['an unknown entity', '?entity=club', 'entity', 'INVALID_ENUM'],
    ['a path as entity', `?entity=${encodeURIComponent('../../etc')}`, 'entity', 'INVALID_ENUM'],
    ['a limit of 0', '?limit=0', 'limit', 'INVALID_FORMAT'],
    ['a limit above 1000', '?limit=1001', 'limit', 'INVALID_FORMAT'],
    ['a limit that is not a number', '?limit=many', 'limit', 'INVALID_FORMAT'],
    ['a cursor this API did not make', '?since=not-a-cursor', 'since', 'INVALID_FORMAT'],
    ['a cursor of another position', `?since=${Buffer.from(JSON.stringify({ seq: '-1' })).toString('base64url')}`, 'since', 'INVALID_FORMAT'],
    ['a cursor beyond bigint', `?since=${Buffer.from(JSON.stringify({ seq: '99999999999999999999' })).toString('base64url')}`, 'since', 'INVALID_FORMAT'],
    ['a 10 kB cursor', `?since=${'A'.repeat(10_240)}`, 'since', 'TOO_LONG'],
    ['a NUL byte in the cursor', '?since=abc%00def', 'since', 'INVALID_FORMAT'],
    ['a NUL byte in the entity', '?entity=person%00', 'entity', 'INVALID_FORMAT'],
    ['an unknown parameter', '?cursor=abc', 'cursor', 'UNKNOWN_FIELD'],
  ])('should refuse %s with 422 problem+json naming the field', async (_what, query, field, code) => {
    const res = await get(query).expect(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ type: 'urn:stafett:problem:validation-failed', status: 422, instance: '/v1/changes' });
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('should refuse an entity this log does not consume, naming the ones it does', async () => {
    await app.close();
    app = await createChangesTestApp(config(), { ...RETENTION, entities: ['person'] });
    const res = await get('?entity=group').expect(422);
    expect(res.body.errors).toEqual([{ field: 'entity', code: 'INVALID_ENUM', message: 'entity must be one of: person' }]);
  });

  it('should be described in the OpenAPI document', () => {
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
    expect(doc.paths['/v1/changes'].get).toMatchObject({ security: [{ bearer: [] }], responses: { 200: expect.anything(), 401: expect.anything(), 422: expect.anything() } });
    expect((doc.paths['/v1/changes'].get?.parameters ?? []).map((p) => ('name' in p ? p.name : '')).sort()).toEqual(['entity', 'limit', 'since']);
  });
});
