import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { IMPORT_BODY_LIMIT } from '@stafett/imports';
import { KafkaModule } from '@stafett/kafka';
import { MetricsModule } from '@stafett/observability';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { GROUP_ENTITIES } from '../database/group-entities';
import { GROUP_MIGRATIONS } from '../database/group-migrations';
import { GroupModule } from '../group.module';

@Module({})
class GroupTestModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: GroupTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, entities: [...API_ENTITIES, ...GROUP_ENTITIES], migrations: [...API_MIGRATIONS, ...GROUP_MIGRATIONS] }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'group-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        GroupModule.forRoot(),
      ],
    };
  }
}

/** The group module as a service runs it (HTTP included, not listening), against the test broker, registry and database. */
export async function createGroupTestApp(config: StafettConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GroupTestModule.forRoot(config), { logger: ['error', 'warn'] });
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
