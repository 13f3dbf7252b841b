import { DataSource } from 'typeorm';
import type { StafettConfig } from '@stafett/config';
import { ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { PLATFORM_ENTITIES, PLATFORM_MIGRATIONS } from './platform-schema';

/**
 * `main.js migrate`: creates the database when missing, applies every pending migration of every
 * deployable (each in its own transaction) and returns the names it applied; none when the schema
 * is current. The Helm chart runs it as a pre-install/pre-upgrade Job, the services then start with
 * STAFETT_MIGRATE_AT_START=false.
 */
export async function migrate(config: StafettConfig): Promise<string[]> {
  await ensureDatabase(config.databaseUrl);
  const dataSource = new DataSource(
    stafettDataSourceOptions({ databaseUrl: config.databaseUrl, entities: PLATFORM_ENTITIES, migrations: PLATFORM_MIGRATIONS, applicationName: 'stafett-migrate', poolSize: 2 }),
  );
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
