import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { ACTIVITY_ENTITIES } from './activity-entities';
import { ACTIVITY_MIGRATIONS } from './activity-migrations';

describe('activity migrations', () => {
  // Its own database: undoing the migrations must not disturb the tables other tests use.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('activity_migration').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: ACTIVITY_ENTITIES, migrations: ACTIVITY_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const activityTables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'activity' ORDER BY table_name`)).map(
      (r) => r.table_name,
    );

  it('should create exactly what the entities describe (no schema drift), beside the pipeline and reference tables', async () => {
    await dataSource.runMigrations();
    expect(await activityTables()).toEqual([
      'activity',
      'consumer_offset',
      'external_id',
      'known_entity',
      'known_link',
      'organisation_edge',
      'outbox',
      'parked_record',
      'parked_reference',
      'participant',
    ]);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should find the activities of a person and a date range by index, not by scanning', async () => {
    await dataSource.query('SET enable_seqscan = off');
    const plan = async (sql: string) => (await dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');
    expect(await plan(`SELECT DISTINCT activity_id FROM activity.participant WHERE person_id = ANY('{00000000-0000-4000-8000-000000000001}'::uuid[])`)).toContain(
      'ix_participant_person',
    );
    expect(
      await plan(`SELECT id FROM activity.activity WHERE organisation_id = '00000000-0000-4000-8000-000000000001' AND starts_at >= now() ORDER BY starts_at, id LIMIT 51`),
    ).toContain('ix_activity_organisation_starts_at');
    expect(await plan(`SELECT id FROM activity.activity WHERE group_id = ANY('{00000000-0000-4000-8000-000000000001}'::uuid[])`)).toContain('ix_activity_group_starts_at');
    await dataSource.query('RESET enable_seqscan');
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < ACTIVITY_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await activityTables()).toEqual([]);
    await dataSource.runMigrations();
    expect(await activityTables()).toContain('activity');
  });
});
