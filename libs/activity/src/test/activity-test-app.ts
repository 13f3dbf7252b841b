import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { IMPORT_BODY_LIMIT, IMPORTS_ENTITIES, IMPORTS_MIGRATIONS, ImportsModule } from '@stafett/imports';
import { KafkaModule } from '@stafett/kafka';
import { MetricsModule } from '@stafett/observability';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { ActivityModule } from '../activity.module';
import { ACTIVITY_ENTITIES } from '../database/activity-entities';
import { ACTIVITY_MIGRATIONS } from '../database/activity-migrations';

export interface ActivityTestAppOptions {
  /** Also serve `POST /v1/imports` (the generic import path into this activity service). */
  readonly imports?: boolean;
}

@Module({})
class ActivityTestModule {
  static forRoot(config: StafettConfig, options: ActivityTestAppOptions): DynamicModule {
    const imports = options.imports ?? false;
    return {
      module: ActivityTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...ACTIVITY_ENTITIES, ...(imports ? IMPORTS_ENTITIES : [])],
            migrations: [...API_MIGRATIONS, ...ACTIVITY_MIGRATIONS, ...(imports ? IMPORTS_MIGRATIONS : [])],
          }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'activity-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        ActivityModule.forRoot(),
        ...(imports ? [ImportsModule.forRoot({ entityTypes: ['activity'] })] : []),
      ],
    };
  }
}

/** The activity module as a service runs it (HTTP included, not listening), against the test broker, registry and database. */
export async function createActivityTestApp(config: StafettConfig, options: ActivityTestAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ActivityTestModule.forRoot(config, options), { logger: ['error', 'warn'] });
  // The key before the body, then the body within its limit, then the pipe.
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
