import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Module, type DynamicModule } from '@nestjs/common';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { IMPORT_BODY_LIMIT, IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { KafkaModule } from '@stafett/kafka';
import { MetricsModule } from '@stafett/observability';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { PERSON_ENTITIES } from '../database/person-entities';
import { PERSON_MIGRATIONS } from '../database/person-migrations';
import { PersonModule } from '../person.module';

export interface PersonTestAppOptions {
  /** Also serve `POST /v1/imports` (the generic import path into this person service). */
  readonly imports?: boolean;
}

@Module({})
class PersonTestModule {
  static forRoot(config: StafettConfig, options: PersonTestAppOptions): DynamicModule {
    const imports = options.imports ?? false;
    return {
      module: PersonTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...PERSON_ENTITIES, ...(imports ? IMPORTS_ENTITIES : [])],
            migrations: [...API_MIGRATIONS, ...PERSON_MIGRATIONS, ...(imports ? IMPORTS_MIGRATIONS : [])],
          }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'person-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        PersonModule.forRoot(),
        ...(imports ? [ImportsModule.forRoot()] : []),
      ],
    };
  }
}

/** The person module as a service runs it (HTTP included, not listening), against the test broker, registry and database. */
export async function createPersonTestApp(config: StafettConfig, options: PersonTestAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PersonTestModule.forRoot(config, options), { logger: ['error', 'warn'] });
  // The key before the body, then the body within its limit, then the pipe.
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
