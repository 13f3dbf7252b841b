import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { PERSON_ENTITIES } from './person-entities';
import { PERSON_MIGRATIONS } from './person-migrations';

describe('person migrations', () => {
  // Its own database: undoing the migrations must not disturb the tables other tests use.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('person_migration').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: PERSON_ENTITIES, migrations: PERSON_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const personTables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'person' ORDER BY table_name`)).map(
      (r) => r.table_name,
    );

  it('should create exactly what the entities describe (no schema drift)', async () => {
    await dataSource.runMigrations();
    expect(await personTables()).toEqual([
      'consumer_offset',
      'external_id',
      'guardian',
      'known_entity',
      'known_link',
      'membership',
      'organisation_edge',
      'outbox',
      'parked_record',
      'parked_reference',
      'person',
      'protected_identity',
      'setting',
    ]);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < PERSON_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await personTables()).toEqual([]);
    await dataSource.runMigrations();
    expect(await personTables()).toContain('person');
  });
});
