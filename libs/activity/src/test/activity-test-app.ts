import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { KafkaModule } from '@stafett/kafka';
import { MetricsModule } from '@stafett/observability';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { ActivityModule } from '../activity.module';
import { ACTIVITY_ENTITIES } from '../database/activity-entities';
import { ACTIVITY_MIGRATIONS } from '../database/activity-migrations';

@Module({})
class ActivityTestModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: ActivityTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...ACTIVITY_ENTITIES],
            migrations: [...API_MIGRATIONS, ...ACTIVITY_MIGRATIONS],
          }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'activity-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        ActivityModule.forRoot(),
      ],
    };
  }
}

/** The activity module as a service runs it (HTTP included, not listening), against the test broker, registry and database. */
export async function createActivityTestApp(config: StafettConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ActivityTestModule.forRoot(config), { logger: ['error', 'warn'] });
  configureApiHttp(app);
  app.enableShutdownHooks();
  await app.init();
  return app;
}
