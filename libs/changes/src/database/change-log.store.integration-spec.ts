/**
 * The change log's SQL on the real Postgres: erasure within a batch, the organisation edges, the
 * scoped page's bounds, and plans that do not depend on statistics (autovacuum may be off).
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { OrganisationTree } from '@stafett/entity-pipeline';
import { inTransaction, stafettDataSourceOptions } from '@stafett/persistence';
import type { PersonChanged } from '@stafett/contracts';
import { consumed, organisation, ownTestDatabase, person, personChanged, personErased, storedEvent } from '../test/changes-topics.harness';
import { ChangeLogStore } from './change-log.store';
import { CHANGES_MIGRATIONS } from './changes-database';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe(ChangeLogStore.name, () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let store: ChangeLogStore;
  let tree: OrganisationTree;

  beforeAll(async () => {
    database = await ownTestDatabase('changes_store');
    const dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl: database.url, migrations: CHANGES_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    pool = new Pool({ connectionString: database.url, max: 3 });
    pool.on('error', () => undefined); // an idle connection still closing when afterAll drops the database (WITH FORCE)
    store = new ChangeLogStore(pool);
    tree = new OrganisationTree('changes', pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE changes.change, changes.organisation_edge RESTART IDENTITY');
  });

  const append = (entity: 'person', events: readonly PersonChanged[]) =>
    inTransaction(pool, async (tx) => {
      await store.lockAppends(tx);
      return store.append(
        tx,
        entity,
        events.map((e) => consumed(entity, e)),
      );
    });
  const stored = async () => (await pool.query<{ entity_id: string; version: string; op: string }>('SELECT entity_id, version, op FROM changes.change ORDER BY seq')).rows;

  it('should drop the earlier changes of a person erased in the same batch, and keep the others in order', async () => {
    const club = randomUUID();
    const erased = randomUUID();
    const kept = randomUUID();
    await append('person', [personChanged(person(erased, [club])), personChanged(person(kept, [club])), personChanged(person(erased, [club]), 2), personErased(erased, 3)]);
    expect(await stored()).toEqual([
      { entity_id: kept, version: '1', op: 'CREATE' },
      { entity_id: erased, version: '3', op: 'DELETE' },
    ]);
    // The erasure keeps the organisations of what it removed.
    const page = await store.page({ after: 0n, limit: 10, organisationIds: [club] });
    expect(page.changes.map((c) => storedEvent(c).version)).toEqual([1, 3]);
  });

  it('should store a large batch (written by COPY) exactly as small batches (written by INSERT), in the same order', async () => {
    const clubs = [randomUUID(), randomUUID()];
    const events = Array.from({ length: 150 }, (_, i) => personChanged(person(randomUUID(), clubs.slice(0, i % 3)), 1 + (i % 4)));
    const all = async () =>
      (
        await pool.query<{ entity: string; entity_id: string; version: string; op: string; occurred_at: Date; avro: Buffer; organisation_ids: string[] }>(
          'SELECT entity, entity_id, version, op, occurred_at, avro, organisation_ids FROM changes.change ORDER BY seq',
        )
      ).rows;
    await append('person', events);
    const byCopy = await all();
    await pool.query('TRUNCATE changes.change RESTART IDENTITY');
    for (let i = 0; i < events.length; i += 10) await append('person', events.slice(i, i + 10));
    const byInsert = await all();
    expect(byCopy).toHaveLength(150);
    expect(byCopy).toEqual(byInsert);
    expect(byCopy.map((r) => r.organisation_ids.length)).toEqual(events.map((_, i) => i % 3));
  });

  it('should keep each event as the bytes the topic carried, and answer a row stored as JSON before that as it was', async () => {
    const anna = personChanged(person(randomUUID(), [randomUUID()]));
    // A row of the log from before it kept the bytes: its event as JSON.
    const legacy = { entityId: randomUUID(), version: 7 };
    await pool.query(
      `INSERT INTO changes.change (entity, entity_id, version, op, occurred_at, event) VALUES ('person', $1, 7, 'UPDATE', now(), $2::json)`,
      [legacy.entityId, JSON.stringify(legacy)],
    );
    const written = consumed('person', anna);
    await append('person', [anna]);
    const page = await store.page({ after: 0n, limit: 10 });
    expect(page.changes).toEqual([
      { seq: '1', entity: 'person', event: legacy, avro: null },
      { seq: '2', entity: 'person', event: null, avro: written.avro },
    ]);
    expect(storedEvent(page.changes[1])).toEqual(anna);
    // A row holds one or the other, never neither.
    await expect(
      pool.query(`INSERT INTO changes.change (entity, entity_id, version, op, occurred_at) VALUES ('person', $1, 1, 'CREATE', now())`, [randomUUID()]),
    ).rejects.toThrow(/ck_change_event_or_avro/);
  });

  it('should keep the organisation tree as the latest state of each organisation says, without a deleted organisation', async () => {
    const federation = randomUUID();
    const district = randomUUID();
    const club = randomUUID();
    const otherDistrict = randomUUID();
    const project = (latest: [string, ReturnType<typeof organisation> | null][]) => inTransaction(pool, (tx) => store.projectOrganisations(tx, new Map(latest)));
    await project([
      [federation, organisation(federation, { type: 'FEDERATION' })],
      [district, organisation(district, { type: 'DISTRICT', parentId: federation })],
      [otherDistrict, organisation(otherDistrict, { type: 'DISTRICT', parentId: federation })],
      [club, organisation(club, { parentId: district })],
    ]);
    expect((await tree.subtree(federation)).sort()).toEqual([federation, district, otherDistrict, club].sort());
    // The club moves to the other district.
    await project([[club, organisation(club, { parentId: otherDistrict })]]);
    expect(await tree.subtree(district)).toEqual([district]);
    expect((await tree.subtree(otherDistrict)).sort()).toEqual([otherDistrict, club].sort());
    // The other district is deleted (a tombstone): no edge to or from it is left.
    await project([[otherDistrict, null]]);
    expect((await tree.subtree(federation)).sort()).toEqual([federation, district].sort());
    expect((await pool.query('SELECT 1 FROM changes.organisation_edge WHERE parent_id = $1 OR child_id = $1', [otherDistrict])).rowCount).toBe(0);
  });

  it('should let no append draw seqs while another is uncommitted, so a reader never passes a seq that commits later', async () => {
    const club = randomUUID();
    const first = await pool.connect();
    try {
      await first.query('BEGIN');
      await store.lockAppends(first);
      await store.append(first, 'person', [consumed('person', personChanged(person(randomUUID(), [club])))]);
      let secondDone = false;
      const second = append('person', [personChanged(person(randomUUID(), [club]))]).then(() => (secondDone = true));
      await new Promise((r) => setTimeout(r, 300));
      // Without the lock the second would have committed seq 2 here, and a reader at seq 2 would never see seq 1.
      expect(secondDone).toBe(false);
      expect(await store.page({ after: 0n, limit: 10 })).toEqual({ changes: [], last: undefined });
      await first.query('COMMIT');
      await second;
    } finally {
      first.release();
    }
    const page = await store.page({ after: 0n, limit: 10 });
    expect(page.last).toBe(2n);
    expect(page.changes).toHaveLength(2);
  });

  describe('a scoped page', () => {
    const mine = randomUUID();
    const theirs = randomUUID();

    beforeEach(async () => {
      // 10 changes: seqs 3 and 7 are of my club.
      await append(
        'person',
        Array.from({ length: 10 }, (_, i) => personChanged(person(randomUUID(), [i === 2 || i === 6 ? mine : theirs]))),
      );
    });

    it('should end at its last row when it is full', async () => {
      const page = await store.page({ after: 0n, limit: 1, organisationIds: [mine], scanLimit: 100 });
      expect(page.changes).toHaveLength(1);
      expect(page.last).toBe(3n);
    });

    it('should end where the scan ended when it is not full, so the next request starts after what was looked at', async () => {
      expect(await store.page({ after: 0n, limit: 10, organisationIds: [mine], scanLimit: 5 })).toMatchObject({ last: 5n, changes: [expect.anything()] });
      expect(await store.page({ after: 5n, limit: 10, organisationIds: [mine], scanLimit: 5 })).toMatchObject({ last: 10n, changes: [expect.anything()] });
      expect(await store.page({ after: 10n, limit: 10, organisationIds: [mine], scanLimit: 5 })).toEqual({ last: undefined, changes: [] });
    });

    it('should go on past a gap wider than its window (erased or expired rows)', async () => {
      await pool.query('DELETE FROM changes.change WHERE seq BETWEEN 1 AND 6');
      expect(await store.page({ after: 0n, limit: 10, organisationIds: [mine], scanLimit: 2 })).toMatchObject({
        last: 8n,
        changes: [expect.objectContaining({ entity: 'person' })],
      });
    });
  });

  it('should look at no more rows than its scan limit, by the primary key, whatever the statistics say', async () => {
    await pool.query('VACUUM changes.change'); // statistics of an empty table, as autovacuum-less Postgres keeps them
    const club = randomUUID();
    await pool.query(
      `INSERT INTO changes.change (entity, entity_id, version, op, occurred_at, event, organisation_ids)
       SELECT (ARRAY['organisation','person','group','activity'])[1 + g % 4], gen_random_uuid(), 1, 'CREATE', now(), '{}'::json, ARRAY[gen_random_uuid()]
         FROM generate_series(1, 30000) g`,
    );
    const explain = async (sql: string, params: unknown[]) =>
      (await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN'][0].Plan;
    // The SQL of page(): captured from the pool.
    const seen: { sql: string; params: unknown[] }[] = [];
    const spy = { query: (sql: string, params: unknown[]) => (seen.push({ sql, params }), pool.query(sql, params)) };
    await store.page({ after: 0n, limit: 100, organisationIds: [club], scanLimit: 5_000 }, spy);
    await store.page({ after: 0n, limit: 100, entity: 'group', scanLimit: 5_000 }, spy);
    await store.page({ after: 0n, limit: 1_000 }, spy);

    for (const { sql, params } of seen) {
      const scans = nodes(await explain(sql, params)).filter((n) => n['Relation Name'] === 'change');
      expect(scans.length).toBeGreaterThan(0);
      for (const n of scans) {
        expect(n['Node Type']).not.toBe('Seq Scan');
        expect(n['Actual Rows']).toBeLessThanOrEqual(5_000);
      }
    }
  });
});
