/**
 * The offsets a transaction claims: locked, read and moved past its batches in one statement,
 * which the import writer and the change log send with their BEGIN (one round trip).
 */
import { Pool } from 'pg';
import { inTransaction } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { ConsumerOffsets, partitionKey } from './consumer-offsets';
import { consumerOffsetTableSql } from './pipeline-tables';

describe('ConsumerOffsets.claim', () => {
  const schema = uniqueId('offsets').replace(/-/g, '_');
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const offsets = new ConsumerOffsets(schema);
  const stored = async () =>
    (await pool.query<{ topic: string; partition: number; next_offset: string }>(`SELECT topic, partition, next_offset FROM "${schema}".consumer_offset ORDER BY topic, partition`)).rows.map(
      (r) => [r.topic, r.partition, r.next_offset],
    );

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    for (const sql of consumerOffsetTableSql(schema)) await pool.query(sql);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });

  it('should return each partition’s offset from before and move it past the batch, never back, in the round trip of the BEGIN', async () => {
    const claims = [
      { topic: 'imports', partition: 0, next: 10n },
      { topic: 'imports', partition: 1, next: 5n },
    ];
    // Partitions seen the first time: created at 0.
    const first = await inTransaction(pool, (tx, opened) => offsets.claimed(tx, claims, opened), `BEGIN; ${offsets.claimSql(claims)}`);
    expect(first).toEqual(
      new Map([
        [partitionKey('imports', 0), 0n],
        [partitionKey('imports', 1), 0n],
      ]),
    );
    expect(await stored()).toEqual([
      ['imports', 0, '10'],
      ['imports', 1, '5'],
    ]);

    // A redelivered batch (an older offset) reads the stored one and leaves it where it is.
    const again = [
      { topic: 'imports', partition: 0, next: 7n },
      { topic: 'imports', partition: 1, next: 9n },
    ];
    const second = await inTransaction(pool, (tx, opened) => offsets.claimed(tx, again, opened), `BEGIN; ${offsets.claimSql(again)}`);
    expect(second).toEqual(
      new Map([
        [partitionKey('imports', 0), 10n],
        [partitionKey('imports', 1), 5n],
      ]),
    );
    expect(await stored()).toEqual([
      ['imports', 0, '10'],
      ['imports', 1, '9'],
    ]);
  });

  it('should leave the offsets where they were when the transaction rolls back', async () => {
    const claims = [{ topic: 'rollback', partition: 3, next: 100n }];
    await inTransaction(pool, (tx) => offsets.claim(tx, claims));
    await expect(
      inTransaction(pool, async (tx) => {
        await offsets.claim(tx, [{ topic: 'rollback', partition: 3, next: 200n }]);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect((await stored()).filter(([t]) => t === 'rollback')).toEqual([['rollback', 3, '100']]);
  });

  it('should make a second transaction on the same partition wait, then see the first one’s offset', async () => {
    const claims = [{ topic: 'race', partition: 0, next: 50n }];
    await inTransaction(pool, (tx) => offsets.claim(tx, [{ topic: 'race', partition: 0, next: 1n }]));
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      expect(await offsets.claim(holder, claims)).toEqual(new Map([[partitionKey('race', 0), 1n]]));
      let secondDone = false;
      const second = inTransaction(pool, (tx) => offsets.claim(tx, [{ topic: 'race', partition: 0, next: 20n }])).then((r) => {
        secondDone = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(secondDone).toBe(false); // held by the first transaction's row lock
      await holder.query('COMMIT');
      // The records below 50 were applied by the first: the second skips them, and the offset stays at 50.
      expect(await second).toEqual(new Map([[partitionKey('race', 0), 50n]]));
      expect((await stored()).filter(([t]) => t === 'race')).toEqual([['race', 0, '50']]);
    } finally {
      holder.release();
    }
  });

  it('should make two first batches of a new partition wait for each other instead of both starting at 0', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      expect(await offsets.claim(holder, [{ topic: 'fresh', partition: 2, next: 30n }])).toEqual(new Map([[partitionKey('fresh', 2), 0n]]));
      const second = inTransaction(pool, (tx) => offsets.claim(tx, [{ topic: 'fresh', partition: 2, next: 30n }]));
      await new Promise((r) => setTimeout(r, 300));
      await holder.query('COMMIT');
      expect(await second).toEqual(new Map([[partitionKey('fresh', 2), 30n]]));
    } finally {
      holder.release();
    }
  });

  it('should take a topic name with quotes as a name, never as SQL', async () => {
    const topic = `it's"; DROP TABLE "${schema}".consumer_offset; --`;
    const claims = [{ topic, partition: 0, next: 3n }];
    expect(await inTransaction(pool, (tx, opened) => offsets.claimed(tx, claims, opened), `BEGIN; ${offsets.claimSql(claims)}`)).toEqual(new Map([[partitionKey(topic, 0), 0n]]));
    expect((await stored()).filter(([t]) => t === topic)).toEqual([[topic, 0, '3']]);
  });

  it('should refuse a partition or an offset that is not a number Kafka could give', () => {
    expect(() => offsets.claimSql([{ topic: 't', partition: 1.5, next: 1n }])).toThrow('not a partition number: 1.5');
    expect(() => offsets.claimSql([{ topic: 't', partition: 0, next: -1n }])).toThrow('not an offset: -1');
  });
});
