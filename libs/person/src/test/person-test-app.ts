import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Module, type DynamicModule } from '@nestjs/common';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { KafkaModule } from '@stafett/kafka';
import { MetricsModule } from '@stafett/observability';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { PERSON_MIGRATIONS } from '../database/person-migrations';
import { PersonModule } from '../person.module';

@Module({})
class PersonTestModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: PersonTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({ ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, migrations: PERSON_MIGRATIONS }), migrationsRun: true }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'person-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        PersonModule.forRoot(),
      ],
    };
  }
}

/** The person module as a service runs it, against the test broker, registry and database. */
export async function createPersonTestApp(config: StafettConfig): Promise<INestApplication> {
  const app = await NestFactory.create(PersonTestModule.forRoot(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
