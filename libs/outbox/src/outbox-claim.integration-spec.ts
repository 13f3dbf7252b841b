/**
 * The relay's claim must not depend on table statistics: without autovacuum nobody ANALYZEs the
 * outbox, and a table VACUUMed while empty says `reltuples = 0` however large its backlog grows.
 */
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { OutboxBatch } from './outbox-batch';
import { outboxTableSql } from './outbox-migration';
import { backlogSql, claimSql } from './outbox-relay';
import { appendToOutbox } from './outbox-writer';

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('the relay claim and backlog queries', () => {
  const schema = uniqueId('claim').replace(/-/g, '_');
  const table = `"${schema}".outbox`;
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });

  beforeAll(async () => {
    for (const sql of outboxTableSql(schema)) await pool.query(sql);
    await pool.query(`VACUUM ${table}`); // statistics of an empty table, as after an idle night
    const batch = new OutboxBatch();
    for (let i = 0; i < 30_000; i++) batch.add(`a-${i}`, [{ topic: 't', key: `k-${i}`, value: Buffer.alloc(200, i % 251) }]);
    await appendToOutbox(pool, schema, batch);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });

  it('should take the oldest seqs once and delete them by primary key, whatever the statistics say', async () => {
    const [{ 'QUERY PLAN': [plan] }] = (await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${claimSql(table).replace('$1', '10000')}`)).rows;
    const all = nodes(plan.Plan);
    expect(all.map((n) => n['Node Type'])).not.toContain('Nested Loop');
    expect(all.filter((n) => n['Parent Relationship'] === 'InitPlan').map((n) => n['Node Type'])).toEqual(['Limit']);
    // What is deleted is found through the primary key, by the array of claimed seqs.
    expect(plan.Plan['Node Type']).toBe('ModifyTable');
    const deleted = nodes(plan.Plan.Plans!.find((n) => n['Parent Relationship'] === 'Outer')!).map((n) => n['Node Type']);
    expect(deleted).not.toContain('Seq Scan');
    expect(deleted).toEqual(expect.arrayContaining([expect.stringMatching(/^(Index Scan|Bitmap Index Scan)$/)]));
  });

  it('should claim exactly the oldest rows', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: string }>(claimSql(table), [10_000]);
      const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
      expect({ count: seqs.length, first: seqs[0], last: seqs[seqs.length - 1] }).toEqual({ count: 10_000, first: 1, last: 10_000 });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('should count the rows waiting from both ends of the primary key, without reading the table', async () => {
    const [{ 'QUERY PLAN': [plan] }] = (await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${backlogSql(table)}`)).rows;
    const types = nodes(plan.Plan).map((n) => n['Node Type']);
    expect(types).not.toContain('Seq Scan');
    expect(types.filter((t) => /^Index (Only )?Scan$/.test(t))).toHaveLength(2);

    const backlog = async (q: { query: Pool['query'] }) => Number((await q.query<{ n: string }>(backlogSql(table))).rows[0].n);
    expect(await backlog(pool)).toBe(30_000);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(claimSql(table), [10_000]);
      expect(await backlog(client)).toBe(20_000);
      await client.query(claimSql(table), [30_000]);
      expect(await backlog(client)).toBe(0);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await backlog(pool)).toBe(30_000);
  });
});
