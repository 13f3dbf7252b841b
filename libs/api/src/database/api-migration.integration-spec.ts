import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { API_ENTITIES, API_MIGRATIONS } from './api-database';

describe('auth schema migrations', () => {
  // Its own database: undoing the migration must not disturb the keys other tests use.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('auth_migration').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: API_ENTITIES, migrations: API_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const authTables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth' ORDER BY table_name`)).map((r) => r.table_name);

  it('should make keys made before roles existed admin keys, as they opened every route', async () => {
    const roles = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, migrations: API_MIGRATIONS.slice(0, 1) }), logging: ['error'] });
    await roles.initialize();
    await roles.runMigrations();
    await roles.query(`INSERT INTO auth.api_key (id, name, key_hash) VALUES (gen_random_uuid(), 'old', repeat('a', 64))`);
    await roles.destroy();
    await dataSource.runMigrations();
    // …and global ones: the organisation binding came later still.
    expect(await dataSource.query(`SELECT roles, expires_at, organisation_id FROM auth.api_key WHERE name = 'old'`)).toEqual([
      { roles: ['admin'], expires_at: null, organisation_id: null },
    ]);
  });

  it('should create exactly what the entities describe (no schema drift)', async () => {
    await dataSource.runMigrations();
    expect(await authTables()).toEqual(['api_key']);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < API_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await dataSource.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'auth'`)).toEqual([]);
    await dataSource.runMigrations();
    expect(await authTables()).toEqual(['api_key']);
  });
});
