/** Binary COPY against the real Postgres: every value arrives as it was written, a refused batch writes nothing. */
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { BinaryCopyRows } from './binary-copy';
import { copyRows } from './copy-rows';
import { inTransaction } from './transaction';

describe('BinaryCopyRows through copyRows', () => {
  const table = `"${uniqueId('bcopy').replace(/-/g, '_')}"`;
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
  const copy = `COPY ${table} (id, name, n, at, data, orgs) FROM STDIN (FORMAT binary)`;

  beforeAll(async () => {
    await pool.query(`CREATE TABLE ${table} (seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, name text, n bigint, at timestamptz, data bytea, orgs uuid[] NOT NULL)`);
  });

  afterAll(async () => {
    await pool.query(`DROP TABLE ${table}`);
    await pool.end();
  });

  it('should store text, uuid, int8, timestamptz, bytea, uuid[] and NULL as written, in order, across CopyData messages', async () => {
    const names = ['Åsa Öberg-Nilsson', 'tab\there', 'two\nlines', 'back\\slash', '\\N', '', null, '😀'];
    const written = Array.from({ length: 1_500 }, (_, i) => ({
      id: i % 2 === 0 ? randomUUID() : randomUUID().toUpperCase(),
      name: names[i % names.length],
      n: i % 3 === 0 ? -(2 ** 53 - 1) + i : 2 ** 40 + i,
      at: new Date(Date.UTC(1969 + (i % 80), i % 12, 1 + (i % 28), i % 24, i % 60, i % 60, i % 1000)),
      data: i === 700 ? randomBytes(80_000) : randomBytes(i % 50),
      orgs: Array.from({ length: i % 4 }, () => randomUUID()),
    }));
    const rows = new BinaryCopyRows();
    for (const w of written) rows.row(6).uuid(w.id).text(w.name).int8(w.n).timestamptz(w.at).bytea(w.data).uuidArray(w.orgs);
    await inTransaction(pool, (tx) => copyRows(tx, copy, rows.end()));
    const { rows: stored } = await pool.query<{ id: string; name: string | null; n: string; at: Date; data: Buffer; orgs: string[] }>(
      `SELECT id, name, n, at, data, orgs FROM ${table} ORDER BY seq`,
    );
    expect(stored).toEqual(written.map((w) => ({ ...w, id: w.id.toLowerCase(), n: String(w.n) })));
  });

  it('should write nothing when Postgres refuses a row of the batch (a NUL in text), and say why', async () => {
    const before = (await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0].c;
    const rows = new BinaryCopyRows();
    for (let i = 0; i < 100; i++) rows.row(6).uuid(randomUUID()).text(i === 50 ? 'nul\u0000here' : 'ok').int8(i).timestamptz(new Date()).bytea(null).uuidArray([]);
    await expect(inTransaction(pool, (tx) => copyRows(tx, copy, rows.end()))).rejects.toThrow(/invalid byte sequence for encoding "UTF8": 0x00/);
    expect((await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0].c).toBe(before);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
