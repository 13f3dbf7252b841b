/** COPY through the transaction's client against the real Postgres: values arrive as they were sent, a bad row writes nothing. */
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { copyLine, copyRows } from './copy-rows';
import { inTransaction } from './transaction';

describe('copyRows', () => {
  const table = `"${uniqueId('copy').replace(/-/g, '_')}"`;
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });

  beforeAll(async () => {
    await pool.query(`CREATE TABLE ${table} (n int PRIMARY KEY, s text, j jsonb, b boolean)`);
  });

  afterAll(async () => {
    await pool.query(`DROP TABLE ${table}`);
    await pool.end();
  });

  it('should store every value as sent, across CopyData messages, whatever characters it holds', async () => {
    const tricky = ['tab\there', 'two\nlines', 'cr\r', 'back\\slash', '\\N', 'Åsa Öberg-Nilsson', "O'Brien", '', ' spaced ', 'x'.repeat(40_000)];
    const rows = Array.from({ length: 2_000 }, (_, n) => [n, n % 7 === 0 ? null : tricky[n % tricky.length], JSON.stringify({ city: `Stad\t${n}`, n }), n % 2 === 0] as const);
    await inTransaction(pool, (tx) => copyRows(tx, `COPY ${table} (n, s, j, b) FROM STDIN`, rows.map((r) => copyLine([...r]))));
    const { rows: stored } = await pool.query<{ n: number; s: string | null; j: { city: string; n: number }; b: boolean }>(`SELECT n, s, j, b FROM ${table} ORDER BY n`);
    expect(stored).toEqual(rows.map(([n, s, j, b]) => ({ n, s, j: JSON.parse(j), b })));
  });

  it('should abandon the COPY when a row cannot be built, and leave the connection usable for the rollback', async () => {
    const before = (await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0].c;
    function* lines(): Generator<string> {
      for (let n = 200_000; n < 200_100; n++) yield copyLine([n, 'x'.repeat(1_000)]);
      throw new Error('a row of the batch could not be encoded');
    }
    await expect(inTransaction(pool, (tx) => copyRows(tx, `COPY ${table} (n, s) FROM STDIN`, lines()))).rejects.toThrow('a row of the batch could not be encoded');
    expect((await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0].c).toBe(before);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('should write nothing when one row breaks a constraint, and say which', async () => {
    const before = (await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0].c;
    const work = inTransaction(pool, (tx) => copyRows(tx, `COPY ${table} (n, s) FROM STDIN`, [copyLine([100_000, 'new']), copyLine([5, 'taken'])]));
    await expect(work).rejects.toThrow(/duplicate key value violates unique constraint/);
    expect((await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0].c).toBe(before);
    // The pool's connection is usable afterwards.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
