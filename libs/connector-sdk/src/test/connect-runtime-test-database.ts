import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { CONNECT_RUNTIME_MIGRATIONS } from '../database/connect-runtime-database';

/** A test database with the connector runtime's tables (created and migrated if need be), and a pool on it. */
export async function connectRuntimeTestPool(url: string, max: number): Promise<Pool> {
  await ensureDatabase(url);
  const dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl: url, migrations: CONNECT_RUNTIME_MIGRATIONS }), logging: ['error'] });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
  const pool = new Pool({ connectionString: url, max });
  // `pool.end()` resolves before its idle clients' connections have closed: the test's DROP DATABASE
  // … WITH (FORCE) right after can terminate one still closing, and the pool passes that on as an
  // 'error' event, which with no listener is an uncaught exception failing the suite. A query's own
  // errors still reach the query.
  pool.on('error', () => undefined);
  return pool;
}
