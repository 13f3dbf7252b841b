import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { HealthModule, LoggingModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres } from '@stafett/persistence';
import { generateApiKey } from '@stafett/api';
import { registryWriteKeyProviders, SchemaRegistryModule, schemaRegistryDataSourceOptions } from '@stafett/schema-registry';

/** STAFETT_ADMIN_API_KEY, else a key generated for this run and printed once (the registry alone keeps no keys). */
function registryAdminKey(config: StafettConfig): string {
  if (config.adminApiKey !== undefined) return config.adminApiKey;
  const key = generateApiKey();
  process.stderr.write(`schema-registry: generated admin API key for writes: ${key}; set STAFETT_ADMIN_API_KEY to choose your own\n`);
  return key;
}

/** The schema registry alone: its API at the root (writes need the admin key), health probes, JSON logs. */
@Module({})
export class SchemaRegistryAppModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: SchemaRegistryAppModule,
      providers: registryWriteKeyProviders([registryAdminKey(config)]),
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'schema-registry', level: config.logLevel }),
        TypeOrmModule.forRoot({ ...schemaRegistryDataSourceOptions({ databaseUrl: config.databaseUrl }), migrationsRun: config.migrateAtStart }),
        HealthModule.forRoot({
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource): ReadinessCheck[] => [{ name: 'postgres', run: () => checkPostgres(dataSource) }],
        }),
        SchemaRegistryModule,
      ],
    };
  }
}
