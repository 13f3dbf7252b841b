import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS } from './imports-database';

describe('imports schema migrations', () => {
  // Its own database: undoing the migration must not disturb the batches other tests use.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('imports_migration').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: IMPORTS_ENTITIES, migrations: IMPORTS_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const importsTables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'imports' ORDER BY table_name`)).map(
      (r) => r.table_name,
    );

  it('should create exactly what the entities describe (no schema drift)', async () => {
    await dataSource.runMigrations();
    expect(await importsTables()).toEqual(['batch', 'result']);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < IMPORTS_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await dataSource.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'imports'`)).toEqual([]);
    await dataSource.runMigrations();
    expect(await importsTables()).toEqual(['batch', 'result']);
  });
});
