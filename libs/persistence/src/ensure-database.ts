import { Client } from 'pg';
import { guardClientErrors } from './client-guard';

/** Postgres's "duplicate_database" and "invalid_catalog_name" SQLSTATEs. */
const DUPLICATE_DATABASE = '42P04';

export interface EnsureDatabaseResult {
  readonly database: string;
  readonly created: boolean;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist, connecting to the
 * server's `postgres` maintenance database. Lets `npm start` work on a fresh machine.
 */
export async function ensureDatabase(databaseUrl: string): Promise<EnsureDatabaseResult> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(database)) {
    throw new Error(`DATABASE_URL names the database "${database}", which is not a plain identifier`);
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  guardClientErrors(client);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return { database, created: false };
    try {
      await client.query(`CREATE DATABASE "${database}"`);
    } catch (e) {
      if ((e as { code?: string }).code === DUPLICATE_DATABASE) return { database, created: false };
      throw e;
    }
    return { database, created: true };
  } finally {
    await client.end();
  }
}

/** Drops a database (tests only create throwaway ones). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  guardClientErrors(client);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
