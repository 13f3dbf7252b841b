import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { ACTIVITY_ENTITIES, ACTIVITY_MIGRATIONS, ActivityModule } from '@stafett/activity';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';

/**
 * The activity service alone: imports, events, REST `/v1/activities`, and its projections of the
 * organisation, person and group state topics, against an external registry (SCHEMA_REGISTRY_URL).
 */
@Module({})
export class ActivityServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    if (!config.schemaRegistryUrl) throw new Error('SCHEMA_REGISTRY_URL is required when the activity service runs alone');
    const registryUrl = config.schemaRegistryUrl;
    return {
      module: ActivityServiceModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'activity-service', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...ACTIVITY_ENTITIES, ...IMPORTS_ENTITIES],
            migrations: [...API_MIGRATIONS, ...ACTIVITY_MIGRATIONS, ...IMPORTS_MIGRATIONS],
            applicationName: 'activity-service',
          }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'activity-service', schemaRegistryUrl: registryUrl }),
        ActivityModule.forRoot(),
        ImportsModule.forRoot({ entityTypes: config.importEntityTypes ?? ['activity'] }),
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
