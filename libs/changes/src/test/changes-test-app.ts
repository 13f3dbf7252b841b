import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { KafkaModule } from '@stafett/kafka';
import { stafettDataSourceOptions } from '@stafett/persistence';
import type { ChangesModuleOptions } from '../changes-options';
import { ChangesModule } from '../changes.module';
import { CHANGES_ENTITIES, CHANGES_MIGRATIONS } from '../database/changes-database';

@Module({})
class ChangesTestModule {
  static forRoot(config: StafettConfig, options: ChangesModuleOptions): DynamicModule {
    return {
      module: ChangesTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES, ...CHANGES_ENTITIES],
            migrations: [...API_MIGRATIONS, ...CHANGES_MIGRATIONS],
          }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'changes-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        ChangesModule.forRoot(options),
      ],
    };
  }
}

/** The change log alone (no domain service: the test plays them on the events topics), against the test broker, registry and database. */
export async function createChangesTestApp(config: StafettConfig, options: ChangesModuleOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ChangesTestModule.forRoot(config, options), { logger: ['error', 'warn'] });
  configureApiHttp(app);
  app.enableShutdownHooks();
  await app.init();
  return app;
}
