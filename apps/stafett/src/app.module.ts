import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';
import { ActivityModule } from '@stafett/activity';
import { ChangesModule } from '@stafett/changes';
import { LokModule } from '@stafett/lok';
import { GroupModule } from '@stafett/group';
import { OrganisationModule } from '@stafett/organisation';
import { ImportsModule } from '@stafett/imports';
import { PersonModule } from '@stafett/person';
import { InProcessSchemaRegistryClient, SchemaRegistryModule, SchemaRegistryService } from '@stafett/schema-registry';
import { PLATFORM_ENTITIES, PLATFORM_IMPORT_ENTITIES, PLATFORM_MIGRATIONS } from './platform-schema';

/** SCHEMA_REGISTRY_URL, else the built-in registry this process serves under /registry. */
export function builtInOrConfiguredRegistry(config: StafettConfig): string {
  return config.schemaRegistryUrl ?? `http://127.0.0.1:${config.port}/registry`;
}

/** The all-in-one platform: every service's module in one process (they join as they land). */
@Module({})
export class AppModule {
  static forRoot(config: StafettConfig): DynamicModule {
    const registryUrl = builtInOrConfiguredRegistry(config);
    const builtInRegistry = config.schemaRegistryUrl === undefined;
    return {
      module: AppModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'stafett', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, entities: PLATFORM_ENTITIES, migrations: PLATFORM_MIGRATIONS }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({
          brokers: config.kafkaBrokers,
          clientId: 'stafett',
          schemaRegistryUrl: registryUrl,
          // The built-in registry answers in-process: services can register their schemas while the app starts.
          ...(builtInRegistry
            ? { registry: { imports: [SchemaRegistryModule], inject: [SchemaRegistryService], useFactory: (svc: SchemaRegistryService) => new InProcessSchemaRegistryClient(svc) } }
            : {}),
        }),
        ...(builtInRegistry ? [SchemaRegistryModule, RouterModule.register([{ path: 'registry', module: SchemaRegistryModule }])] : []),
        OrganisationModule.forRoot(),
        PersonModule.forRoot(),
        GroupModule.forRoot(),
        ActivityModule.forRoot(),
        ImportsModule.forRoot({ entityTypes: PLATFORM_IMPORT_ENTITIES }),
        ChangesModule.forRoot(),
        // Sink connectors: they read the state topics into their own schemas.
        LokModule.forRoot(),
        HealthModule.forRoot({
          inject: [getDataSourceToken(), KAFKA_CLIENT],
          useFactory: (dataSource: DataSource, kafka: KafkaClientPort): ReadinessCheck[] => [
            { name: 'postgres', run: () => checkPostgres(dataSource) },
            { name: 'kafka', timeoutMs: 5_000, run: () => checkKafka(kafka) },
            { name: 'registry', run: (signal) => checkSchemaRegistry(registryUrl, signal) },
          ],
        }),
      ],
    };
  }
}
