import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, stafettDataSourceOptions } from '@stafett/persistence';

/** The all-in-one platform: every service's module in one process (they join as they land). */
@Module({})
export class AppModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'stafett', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({ ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl }), migrationsRun: true }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'stafett' }),
        HealthModule.forRoot({
          inject: [getDataSourceToken(), KAFKA_CLIENT],
          useFactory: (dataSource: DataSource, kafka: KafkaClientPort): ReadinessCheck[] => [
            { name: 'postgres', run: () => checkPostgres(dataSource) },
            { name: 'kafka', timeoutMs: 5_000, run: () => checkKafka(kafka) },
          ],
        }),
      ],
    };
  }
}
