import type { DynamicModule, ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';

/** One connector running alone (connector-member-file, …): what it brings to the shared host. */
export interface ConnectorServiceDefinition {
  /** `connector-<name>`: the log's service name, the Kafka client id and Postgres application_name. */
  readonly serviceName: string;
  /** The connector's TypeORM entities (the API keys' are added); most connectors map none. */
  readonly entities?: readonly unknown[];
  /** The connector's migrations (the API keys' are added), e.g. `CONNECTORS_MIGRATIONS` of `@stafett/connectors`. */
  readonly migrations: readonly unknown[];
  /** The connector's modules (`ConnectorsModule.forRoot({ connectors: [...] })`, its feature module, …). */
  readonly modules: NonNullable<ModuleMetadata['imports']>;
}

/**
 * What every connector alone imports: config, logging, metrics, its tables with the API keys'
 * (migrated at start unless STAFETT_MIGRATE_AT_START=false), Kafka against an external registry
 * (SCHEMA_REGISTRY_URL, required), its modules, and readiness on Postgres, Kafka and the registry.
 * The app adds `configureApiHttp` and `enableShutdownHooks()` (Nest closes the modules' consumers
 * and producers before the TypeORM pool).
 */
export function connectorServiceImports(config: StafettConfig, service: ConnectorServiceDefinition): NonNullable<DynamicModule['imports']> {
  if (!config.schemaRegistryUrl) throw new Error(`SCHEMA_REGISTRY_URL is required when ${service.serviceName} runs alone`);
  const registryUrl = config.schemaRegistryUrl;
  return [
    StafettConfigModule.forRoot(config),
    LoggingModule.forRoot({ serviceName: service.serviceName, level: config.logLevel }),
    MetricsModule,
    TypeOrmModule.forRoot({
      ...stafettDataSourceOptions({
        databaseUrl: config.databaseUrl,
        entities: [...API_ENTITIES, ...(service.entities ?? [])] as DataSourceOptions['entities'],
        migrations: [...API_MIGRATIONS, ...service.migrations] as DataSourceOptions['migrations'],
        applicationName: service.serviceName,
      }),
      migrationsRun: config.migrateAtStart,
    }),
    KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: service.serviceName, schemaRegistryUrl: registryUrl }),
    ...service.modules,
    HealthModule.forRoot({
      inject: [getDataSourceToken(), KAFKA_CLIENT],
      useFactory: (dataSource: DataSource, kafka: KafkaClientPort): ReadinessCheck[] => [
        { name: 'postgres', run: () => checkPostgres(dataSource) },
        { name: 'kafka', timeoutMs: 5_000, run: () => checkKafka(kafka) },
        { name: 'registry', run: (signal) => checkSchemaRegistry(registryUrl, signal) },
      ],
    }),
  ];
}
