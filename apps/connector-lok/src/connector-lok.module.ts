import { Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { LOK_ENTITIES, LOK_MIGRATIONS, LokModule } from '@stafett/lok';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';

/** The LOK-stöd connector alone: its projection of the state topics and /v1/lok, with health and metrics. */
@Module({})
export class ConnectorLokModule {
  static forRoot(config: StafettConfig): DynamicModule {
    if (!config.schemaRegistryUrl) throw new Error('SCHEMA_REGISTRY_URL is required when the LOK-stöd connector runs alone');
    const registryUrl = config.schemaRegistryUrl;
    return {
      module: ConnectorLokModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'connector-lok', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...LOK_ENTITIES],
            migrations: [...API_MIGRATIONS, ...LOK_MIGRATIONS],
            applicationName: 'connector-lok',
          }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'connector-lok', schemaRegistryUrl: registryUrl }),
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
