import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { PERSON_ENTITIES, PERSON_MIGRATIONS, PersonModule } from '@stafett/person';

/** The person service alone: imports, events, REST, against an external registry (SCHEMA_REGISTRY_URL). */
@Module({})
export class PersonServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    if (!config.schemaRegistryUrl) throw new Error('SCHEMA_REGISTRY_URL is required when the person service runs alone');
    const registryUrl = config.schemaRegistryUrl;
    return {
      module: PersonServiceModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'person-service', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...PERSON_ENTITIES, ...IMPORTS_ENTITIES],
            migrations: [...API_MIGRATIONS, ...PERSON_MIGRATIONS, ...IMPORTS_MIGRATIONS],
            applicationName: 'person-service',
          }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'person-service', schemaRegistryUrl: registryUrl }),
        PersonModule.forRoot(),
        // Its own records, or every deployed service's where it answers /v1/imports for all (STAFETT_IMPORT_ENTITY_TYPES).
        ImportsModule.forRoot({ entityTypes: config.importEntityTypes ?? ['person'] }),
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
