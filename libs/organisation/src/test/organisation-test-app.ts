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
import { ORGANISATION_ENTITIES } from '../database/organisation-entities';
import { ORGANISATION_MIGRATIONS } from '../database/organisation-migrations';
import { OrganisationModule } from '../organisation.module';

export interface OrganisationTestAppOptions {
  /** Also serve `POST /v1/imports` (the generic import path into this organisation service). */
  readonly imports?: boolean;
}

@Module({})
class OrganisationTestModule {
  static forRoot(config: StafettConfig, options: OrganisationTestAppOptions): DynamicModule {
    const imports = options.imports ?? false;
    return {
      module: OrganisationTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...ORGANISATION_ENTITIES, ...(imports ? IMPORTS_ENTITIES : [])],
            migrations: [...API_MIGRATIONS, ...ORGANISATION_MIGRATIONS, ...(imports ? IMPORTS_MIGRATIONS : [])],
          }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'organisation-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        OrganisationModule.forRoot(),
        ...(imports ? [ImportsModule.forRoot({ entityTypes: ['organisation'] })] : []),
      ],
    };
  }
}

/** The organisation module as a service runs it (HTTP included, not listening), against the test broker, registry and database. */
export async function createOrganisationTestApp(config: StafettConfig, options: OrganisationTestAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(OrganisationTestModule.forRoot(config, options), { logger: ['error', 'warn'] });
  // The key before the body, then the body within its limit, then the pipe.
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
