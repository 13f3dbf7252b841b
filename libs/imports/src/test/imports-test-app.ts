import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { KafkaModule } from '@stafett/kafka';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS } from '../database/imports-database';
import { IMPORT_BODY_LIMIT } from '../imports-options';
import { ImportsModule } from '../imports.module';

@Module({})
class ImportsTestModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: ImportsTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, entities: [...API_ENTITIES, ...IMPORTS_ENTITIES], migrations: [...API_MIGRATIONS, ...IMPORTS_MIGRATIONS] }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'imports-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        ImportsModule.forRoot(),
      ],
    };
  }
}

/** The imports API alone (no domain service behind it), against the test broker, registry and database. */
export async function createImportsTestApp(config: StafettConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ImportsTestModule.forRoot(config), { logger: ['error', 'warn'] });
  // The key before the body, then the body within its limit, then the pipe.
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
