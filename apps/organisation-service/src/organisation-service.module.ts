import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { ORGANISATION_ENTITIES, ORGANISATION_MIGRATIONS, OrganisationModule } from '@stafett/organisation';

/** The organisation service alone: imports, events, REST, against an external registry (SCHEMA_REGISTRY_URL). */
@Module({})
export class OrganisationServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    if (!config.schemaRegistryUrl) throw new Error('SCHEMA_REGISTRY_URL is required when the organisation service runs alone');
    const registryUrl = config.schemaRegistryUrl;
    return {
      module: OrganisationServiceModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'organisation-service', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...ORGANISATION_ENTITIES, ...IMPORTS_ENTITIES],
            migrations: [...API_MIGRATIONS, ...ORGANISATION_MIGRATIONS, ...IMPORTS_MIGRATIONS],
            applicationName: 'organisation-service',
          }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'organisation-service', schemaRegistryUrl: registryUrl }),
        OrganisationModule.forRoot(),
        ImportsModule.forRoot({ entityTypes: config.importEntityTypes ?? ['organisation'] }),
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
