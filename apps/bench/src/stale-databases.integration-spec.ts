import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase } from '@stafett/persistence';
import { benchDatabaseName, dropStaleBenchDatabases } from './stale-databases';

const base = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlOf = (name: string) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
};

async function exists(name: string): Promise<boolean> {
  const u = new URL(base);
  u.pathname = '/postgres';
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

describe('the bench drops the databases of runs whose driver is gone', () => {
  const stamp = `t${Date.now().toString(36)}`;
  // A pid that was a process a moment ago and is gone now.
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  const names = {
    stale: benchDatabaseName(stamp, gone),
    staleB5: `${benchDatabaseName(stamp, gone)}_b5`,
    running: benchDatabaseName(stamp),
    other: `stafett_bench_${stamp}`, // an older name without a pid: not ours to judge
  };

  afterAll(async () => {
    for (const n of Object.values(names)) await dropDatabase(urlOf(n)).catch(() => undefined);
  });

  it('should drop those named after a dead pid and keep the running one and any other', async () => {
    for (const n of Object.values(names)) await ensureDatabase(urlOf(n));
    const dropped = await dropStaleBenchDatabases(base);
    expect(dropped.sort()).toEqual([names.stale, names.staleB5].sort());
    expect(await exists(names.stale)).toBe(false);
    expect(await exists(names.staleB5)).toBe(false);
    expect(await exists(names.running)).toBe(true);
    expect(await exists(names.other)).toBe(true);
  });

  it('should leave a Postgres that is not on this machine alone', async () => {
    await expect(dropStaleBenchDatabases('postgres://postgres@db.example.org:5432/stafett', () => false)).resolves.toEqual([]);
  });
});
