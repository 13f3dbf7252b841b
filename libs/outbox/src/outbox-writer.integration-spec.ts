/**
 * The outbox append against the real Postgres: a large batch goes by binary COPY, a small one by
 * one INSERT, and both leave the same rows, in batch order, and wake the relay.
 */
import { Client, Pool } from 'pg';
import { COPY_FROM_ROWS, inTransaction } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { OutboxBatch } from './outbox-batch';
import { outboxChannel, outboxTableSql } from './outbox-migration';
import { appendToOutbox } from './outbox-writer';

describe('appendToOutbox', () => {
  const schema = uniqueId('append').replace(/-/g, '_');
  const table = `"${schema}".outbox`;
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
  const listener = new Client({ connectionString: testDatabaseUrl() });
  const notified: string[] = [];

  beforeAll(async () => {
    for (const sql of outboxTableSql(schema)) await pool.query(sql);
    await listener.connect();
    listener.on('notification', (n) => notified.push(n.channel));
    await listener.query(`LISTEN "${outboxChannel(schema)}"`);
  });

  afterEach(async () => {
    await pool.query(`DELETE FROM ${table}`);
  });

  afterAll(async () => {
    await listener.end();
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });

  /** Rows of every shape: non-ASCII ids, a tombstone, no key, headers, and values larger than a CopyData message. */
  function batchOf(rows: number): OutboxBatch {
    const batch = new OutboxBatch(1024);
    for (let i = 0; i < rows; i++) {
      batch.begin(`förening-å-${i}`);
      batch.message('stafett.person.events.v1', `k-${i}`, Buffer.alloc(i % 50 === 3 ? 70_000 : 150 + (i % 7), i % 251), { id: `e-${i}`, 'stafett.entity.version': String(i) });
      batch.message('stafett.person.state.v1', i % 9 === 0 ? null : `k-${i}`, i % 11 === 0 ? null : (b, p) => p + b.write(`state ${i}`, p));
      batch.end();
    }
    return batch;
  }

  async function stored(): Promise<{ aggregateid: string; messages: Buffer }[]> {
    return (await pool.query<{ aggregateid: string; messages: Buffer }>(`SELECT aggregateid, messages FROM ${table} ORDER BY seq`)).rows;
  }

  it('should leave the same rows, in batch order, by COPY as by INSERT, and wake the relay each time', async () => {
    const size = COPY_FROM_ROWS * 4 + 5;
    const expected = batchOf(size);
    const frames = expected.aggregateIds.map((id, i) => ({ aggregateid: id, messages: Buffer.from(expected.bytes.subarray(expected.offsets[i] - 1, expected.offsets[i] - 1 + expected.lengths[i])) }));

    await inTransaction(pool, (tx) => appendToOutbox(tx, schema, batchOf(size))); // a pg client: COPY
    const byCopy = await stored();
    await pool.query(`DELETE FROM ${table}`);
    await appendToOutbox(pool, schema, batchOf(size)); // a pool cannot COPY: one INSERT
    const byInsert = await stored();

    expect(byCopy).toEqual(frames);
    expect(byInsert).toEqual(frames);
    await new Promise((r) => setTimeout(r, 200));
    expect(notified.filter((c) => c === outboxChannel(schema)).length).toBeGreaterThanOrEqual(2);
  });

  it('should write nothing of a batch that Postgres refuses, by COPY or by INSERT', async () => {
    for (const size of [COPY_FROM_ROWS * 2, 3]) {
      const batch = batchOf(size);
      batch.aggregateIds[size - 1] = 'nul\u0000byte'; // Postgres text cannot hold a NUL
      await expect(inTransaction(pool, (tx) => appendToOutbox(tx, schema, batch))).rejects.toThrow(/0x00|invalid byte sequence/);
      expect(await stored()).toEqual([]);
    }
  });
});
