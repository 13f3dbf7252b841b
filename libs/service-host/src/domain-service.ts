import type { DynamicModule, ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import type { EntityName } from '@stafett/contracts';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { AgreementBook, checkAgreements } from '@stafett/entity-pipeline';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';

/** One domain service running alone (organisation-service, person-service, group-service, activity-service). */
export interface DomainServiceDefinition {
  /** `<entity>-service`: the log's service name, the Kafka client id and Postgres application_name. */
  readonly serviceName: string;
  /** The entity whose imports `POST /v1/imports` takes by default (STAFETT_IMPORT_ENTITY_TYPES widens it). */
  readonly entity: EntityName;
  /** The domain's TypeORM entities and migrations (the keys' and the imports' are added). */
  readonly entities: readonly unknown[];
  readonly migrations: readonly unknown[];
  /** The domain module (`PersonModule.forRoot()`, …). */
  readonly module: NonNullable<ModuleMetadata['imports']>[number];
}

/**
 * What every domain service alone imports: config, logging, metrics, its tables (with the API keys'
 * and the import batches'), Kafka against an external registry (SCHEMA_REGISTRY_URL, required),
 * the domain module, `POST /v1/imports`, and readiness on Postgres, Kafka and the registry.
 */
export function domainServiceImports(config: StafettConfig, service: DomainServiceDefinition): NonNullable<DynamicModule['imports']> {
  if (!config.schemaRegistryUrl) throw new Error(`SCHEMA_REGISTRY_URL is required when the ${service.serviceName.replace(/-/g, ' ')} runs alone`);
  const registryUrl = config.schemaRegistryUrl;
  return [
    StafettConfigModule.forRoot(config),
    LoggingModule.forRoot({ serviceName: service.serviceName, level: config.logLevel }),
    MetricsModule,
    TypeOrmModule.forRoot({
      ...stafettDataSourceOptions({
        databaseUrl: config.databaseUrl,
        entities: [...API_ENTITIES, ...service.entities, ...IMPORTS_ENTITIES] as DataSourceOptions['entities'],
        migrations: [...API_MIGRATIONS, ...service.migrations, ...IMPORTS_MIGRATIONS] as DataSourceOptions['migrations'],
        applicationName: service.serviceName,
      }),
      migrationsRun: config.migrateAtStart,
    }),
    KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: service.serviceName, schemaRegistryUrl: registryUrl }),
    service.module,
    ImportsModule.forRoot({ entityTypes: config.importEntityTypes ?? [service.entity] }),
    HealthModule.forRoot({
      inject: [getDataSourceToken(), KAFKA_CLIENT, AgreementBook],
      useFactory: (dataSource: DataSource, kafka: KafkaClientPort, agreements: AgreementBook): ReadinessCheck[] => [
        { name: 'postgres', run: () => checkPostgres(dataSource) },
        { name: 'kafka', timeoutMs: 5_000, run: () => checkKafka(kafka) },
        { name: 'registry', run: (signal) => checkSchemaRegistry(registryUrl, signal) },
        { name: 'agreements', run: () => checkAgreements(agreements) },
      ],
    }),
  ];
}
