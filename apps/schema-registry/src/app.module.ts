import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { HealthModule, LoggingModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres } from '@stafett/persistence';
import { SchemaRegistryModule, schemaRegistryDataSourceOptions } from '@stafett/schema-registry';

/** The schema registry alone: its API at the root, health probes, JSON logs. */
@Module({})
export class SchemaRegistryAppModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: SchemaRegistryAppModule,
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
