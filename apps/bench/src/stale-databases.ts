import { Client } from 'pg';
import { dropDatabase } from '@stafett/persistence';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const BENCH_DATABASE = /^stafett_bench_[0-9a-z]+_p(\d+)(?:_b\d+)?$/;

/** A benchmark run's database: the driver's pid in the name tells a stale one from one in use. */
export const benchDatabaseName = (stamp: string, pid: number = process.pid): string => `stafett_bench_${stamp}_p${pid}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process: alive
  }
}

/**
 * Drops the databases of benchmark runs whose driver is gone (killed, or ended before its own
 * cleanup ran: a signal skips `finally`). Only on a loopback Postgres, where a pid names a process
 * of this machine; databases named otherwise are never touched. Returns the names dropped.
 */
export async function dropStaleBenchDatabases(databaseUrl: string, isAlive: (pid: number) => boolean = alive): Promise<string[]> {
  const url = new URL(databaseUrl);
  if (!LOOPBACK.has(url.hostname)) return [];
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  let names: string[];
  try {
    names = (await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'stafett\\_bench\\_%'`)).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
  const stale = names.filter((name) => {
    const m = BENCH_DATABASE.exec(name);
    return m !== null && !isAlive(Number(m[1]));
  });
  for (const name of stale) {
    url.pathname = `/${name}`;
    await dropDatabase(url.toString());
  }
  return stale;
}
