import type { DataSourceOptions } from 'typeorm';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { CompatibilityConfigEntity } from './compatibility-config.entity';
import { CreateSchemaRegistry1795900000000 } from './migrations/1795900000000-CreateSchemaRegistry';
import { CanonicalSchemaIdentity1796000000000 } from './migrations/1796000000000-CanonicalSchemaIdentity';
import { RegistrySchemaEntity } from './registry-schema.entity';
import { SubjectVersionEntity } from './subject-version.entity';

/** The registry's entities: add them to the DataSource of the app that mounts `SchemaRegistryModule`. */
export const SCHEMA_REGISTRY_ENTITIES = [RegistrySchemaEntity, SubjectVersionEntity, CompatibilityConfigEntity];

/** The registry's migrations, oldest first: add them to the same DataSource. */
export const SCHEMA_REGISTRY_MIGRATIONS = [CreateSchemaRegistry1795900000000, CanonicalSchemaIdentity1796000000000];

export interface SchemaRegistryDataSourceInput {
  readonly databaseUrl: string;
  readonly applicationName?: string;
  readonly poolSize?: number;
}

/** A DataSource for the registry running alone (standalone app, test harness), migrations run at start. */
export function schemaRegistryDataSourceOptions(input: SchemaRegistryDataSourceInput): DataSourceOptions {
  return {
    ...stafettDataSourceOptions({
      databaseUrl: input.databaseUrl,
      entities: SCHEMA_REGISTRY_ENTITIES,
      migrations: SCHEMA_REGISTRY_MIGRATIONS,
      applicationName: input.applicationName ?? 'stafett-schema-registry',
      poolSize: input.poolSize,
    }),
    migrationsRun: true,
  };
}
