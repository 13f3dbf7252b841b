import { DataSource } from 'typeorm';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { ownTestDatabase } from '../test/changes-topics.harness';
import { CHANGES_ENTITIES, CHANGES_MIGRATIONS } from './changes-database';

describe('changes migrations', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    // Its own database: undoing the migration must not disturb the log other tests use.
    database = await ownTestDatabase('changes_migration');
    dataSource = new DataSource({
      ...stafettDataSourceOptions({ databaseUrl: database.url, entities: [...CHANGES_ENTITIES], migrations: CHANGES_MIGRATIONS }),
      logging: ['error'],
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const tables = async (): Promise<string[]> =>
    (await dataSource.query<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'changes' ORDER BY table_name`)).map(
      (r) => r.table_name,
    );
  const indexes = async (): Promise<string[]> =>
    (await dataSource.query<{ indexname: string }[]>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'changes' ORDER BY indexname`)).map((r) => r.indexname);

  it('should create the log, its offsets and the organisation edges, with an index for every lookup', async () => {
    await dataSource.runMigrations();
    expect(await tables()).toEqual(['change', 'consumer_offset', 'organisation_edge']);
    expect(await indexes()).toEqual([
      'change_pkey',
      'consumer_offset_pkey',
      'ix_change_entity_id',
      'ix_change_entity_seq',
      'ix_change_occurred_at',
      'ix_organisation_edge_child',
      'organisation_edge_pkey',
    ]);
  });

  it('should undo cleanly and apply again', async () => {
    for (let i = 0; i < CHANGES_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await dataSource.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'changes'`)).toEqual([]);
    await dataSource.runMigrations();
    expect(await tables()).toEqual(['change', 'consumer_offset', 'organisation_edge']);
  });

  it('should keep the JSON rows written before the log kept the bytes, and take rows of bytes after it', async () => {
    await dataSource.undoLastMigration(); // back to the JSON-only log
    await dataSource.query(
      `INSERT INTO changes.change (entity, entity_id, version, op, occurred_at, event) VALUES ('person', gen_random_uuid(), 1, 'CREATE', now(), '{"version": 1}')`,
    );
    await dataSource.runMigrations();
    expect(await dataSource.query(`SELECT event, avro FROM changes.change`)).toEqual([{ event: { version: 1 }, avro: null }]);
    await dataSource.query(
      `INSERT INTO changes.change (entity, entity_id, version, op, occurred_at, avro) VALUES ('person', gen_random_uuid(), 2, 'UPDATE', now(), '\\x0000000001'::bytea)`,
    );
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM changes.change WHERE avro IS NOT NULL AND event IS NULL`)).toEqual([{ n: 1 }]);
  });
});
