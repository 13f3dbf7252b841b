import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { ORGANISATION_ENTITIES } from './organisation-entities';
import { ORGANISATION_MIGRATIONS } from './organisation-migrations';

describe('organisation migrations', () => {
  // Its own database: undoing the migrations must not disturb the tables other tests use.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('organisation_migration').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: ORGANISATION_ENTITIES, migrations: ORGANISATION_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const organisationTables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'organisation' ORDER BY table_name`)).map(
      (r) => r.table_name,
    );

  it('should create exactly what the entities describe (no schema drift)', async () => {
    await dataSource.runMigrations();
    expect(await organisationTables()).toEqual([
      'consumer_offset',
      'external_id',
      'federation',
      'known_entity',
      'known_link',
      'organisation',
      'organisation_edge',
      'outbox',
      'parked_record',
      'parked_reference',
    ]);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < ORGANISATION_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await organisationTables()).toEqual([]);
    await dataSource.runMigrations();
    expect(await organisationTables()).toContain('organisation');
  });
});
