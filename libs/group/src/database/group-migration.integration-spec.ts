import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { GROUP_ENTITIES } from './group-entities';
import { GROUP_MIGRATIONS } from './group-migrations';

describe('group migrations', () => {
  // Its own database: undoing the migrations must not disturb the tables other tests use.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('group_migration').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: GROUP_ENTITIES, migrations: GROUP_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const groupTables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'group' ORDER BY table_name`)).map(
      (r) => r.table_name,
    );

  it('should create exactly what the entities describe (no schema drift), with the pipeline and reference tables', async () => {
    await dataSource.runMigrations();
    expect(await groupTables()).toEqual([
      'consumer_offset',
      'external_id',
      'group',
      'known_entity',
      'known_link',
      'member',
      'organisation_edge',
      'outbox',
      'parked_record',
      'parked_reference',
    ]);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it("should find a person's groups through the index on member.person_id, a club's groups through organisation_id and a type's through type, in id order", async () => {
    const plan = async (sql: string) => {
      await dataSource.query('SET enable_seqscan = off');
      const rows = await dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`);
      await dataSource.query('RESET enable_seqscan');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    expect(await plan(`SELECT group_id FROM "group".member WHERE person_id = ANY('{00000000-0000-4000-8000-000000000001}'::uuid[])`)).toMatch(/ix_member_person/);
    expect(
      await plan(
        `SELECT id FROM "group"."group" WHERE organisation_id = '00000000-0000-4000-8000-000000000001' AND id > '00000000-0000-4000-8000-000000000000' ORDER BY id LIMIT 51`,
      ),
    ).toMatch(/ix_group_organisation/);
    expect(await plan(`SELECT id FROM "group"."group" WHERE type = 'TEAM' AND id > '00000000-0000-4000-8000-000000000000' ORDER BY id LIMIT 51`)).toMatch(/ix_group_type/);
    expect(await plan(`SELECT id FROM "group"."group" WHERE lower(name) LIKE 'p15%'`)).toMatch(/ix_group_name/);
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < GROUP_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await groupTables()).toEqual([]);
    await dataSource.runMigrations();
    expect(await groupTables()).toContain('group');
  });
});
