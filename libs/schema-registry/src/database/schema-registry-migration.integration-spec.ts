import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { SchemaRegistryService } from '../schema-registry.service';
import { CreateSchemaRegistry1795900000000 } from './migrations/1795900000000-CreateSchemaRegistry';
import { SCHEMA_REGISTRY_ENTITIES, SCHEMA_REGISTRY_MIGRATIONS } from './schema-registry-data-source';

/** A database of its own: undoing migrations must not disturb the registry other tests use. */
function ownDatabaseUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('registry_migration').replace(/-/g, '_')}`;
  return url.toString();
}

function dataSourceFor(
  databaseUrl: string,
  migrations: NonNullable<Parameters<typeof stafettDataSourceOptions>[0]['migrations']>,
) {
  return new DataSource({
    ...stafettDataSourceOptions({ databaseUrl, entities: SCHEMA_REGISTRY_ENTITIES, migrations }),
    logging: ['error'],
  });
}

describe('SchemaRegistry migrations', () => {
  const databaseUrl = ownDatabaseUrl();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = dataSourceFor(databaseUrl, SCHEMA_REGISTRY_MIGRATIONS);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  const registryTables = async (): Promise<string[]> =>
    (
      await dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'registry' ORDER BY table_name`,
      )
    ).map((r) => r.table_name);

  it('should create exactly what the entities describe (no schema drift)', async () => {
    await dataSource.runMigrations();
    expect(await registryTables()).toEqual(['config', 'schemas', 'subject_versions']);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should undo every migration cleanly and apply them again', async () => {
    for (let i = 0; i < SCHEMA_REGISTRY_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await registryTables()).toEqual([]);
    expect(await dataSource.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'registry'`)).toEqual([]);
    await dataSource.runMigrations();
    expect(await registryTables()).toEqual(['config', 'schemas', 'subject_versions']);
  });
});

describe('CanonicalSchemaIdentity migration', () => {
  const databaseUrl = ownDatabaseUrl();
  let dataSource: DataSource;
  let registry: SchemaRegistryService;
  /** The identity before canonical forms: the JSON with sorted keys. */
  const legacyHash = (schema: string) => createHash('sha256').update(`AVRO\n${schema}`).digest('hex');
  const legacy = [
    { id: 1, schema: '{"type":"int"}', subject: 'spelled-as-object-value' },
    { id: 2, schema: '"int"', subject: 'spelled-as-name-value' },
  ];

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    // The registry as it was: rows written under the old identity.
    const before = dataSourceFor(databaseUrl, [CreateSchemaRegistry1795900000000]);
    await before.initialize();
    await before.runMigrations();
    for (const row of legacy) {
      await before.query(`INSERT INTO "registry"."schemas" ("id", "hash", "schema") VALUES ($1, $2, $3)`, [
        row.id,
        legacyHash(row.schema),
        row.schema,
      ]);
      await before.query(`INSERT INTO "registry"."subject_versions" ("subject", "version", "schema_id") VALUES ($1, 1, $2)`, [
        row.subject,
        row.id,
      ]);
    }
    await before.query(`SELECT setval(pg_get_serial_sequence('"registry"."schemas"', 'id'), 2)`);
    await before.destroy();

    dataSource = dataSourceFor(databaseUrl, SCHEMA_REGISTRY_MIGRATIONS);
    await dataSource.initialize();
    await dataSource.runMigrations();
    registry = new SchemaRegistryService(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  it('should find a schema registered before by its canonical spelling', async () => {
    const found = await registry.lookup('spelled-as-object-value', { schema: '"int"' });
    expect(found).toEqual({ subject: 'spelled-as-object-value', id: 1, version: 1, schema: '{"type":"int"}' });
  });

  it('should keep answering both ids of two spellings registered before', async () => {
    expect((await registry.schemaById(1)).schema).toBe('{"type":"int"}');
    expect((await registry.schemaById(2)).schema).toBe('"int"');
  });

  it('should give a new subject the lowest existing id of the schema', async () => {
    expect(await registry.register('new-subject-value', { schema: '{ "type" : "int" }' })).toEqual({ id: 1 });
  });
});
