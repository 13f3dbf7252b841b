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
  return new Pool({ connectionString: url, max });
}
