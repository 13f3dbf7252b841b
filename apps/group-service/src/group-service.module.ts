import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { GROUP_ENTITIES, GROUP_MIGRATIONS, GroupModule } from '@stafett/group';

/**
 * The group service alone: group imports, events, REST `/v1/groups` and `POST /v1/imports` for
 * groups, with its projections of the organisation and person state topics, against an external
 * registry (SCHEMA_REGISTRY_URL).
 */
@Module({})
export class GroupServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    if (!config.schemaRegistryUrl) throw new Error('SCHEMA_REGISTRY_URL is required when the group service runs alone');
    const registryUrl = config.schemaRegistryUrl;
    return {
      module: GroupServiceModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'group-service', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...GROUP_ENTITIES, ...IMPORTS_ENTITIES],
            migrations: [...API_MIGRATIONS, ...GROUP_MIGRATIONS, ...IMPORTS_MIGRATIONS],
            applicationName: 'group-service',
          }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'group-service', schemaRegistryUrl: registryUrl }),
        GroupModule.forRoot(),
        ImportsModule.forRoot({ entityTypes: ['group'] }),
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
