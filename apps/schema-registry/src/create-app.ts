import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { StafettConfig } from '@stafett/config';
import { ensureDatabase } from '@stafett/persistence';
import { SchemaRegistryNotFoundFilter } from '@stafett/schema-registry';
import { SchemaRegistryAppModule } from './app.module';

/** Builds the standalone registry (not yet listening): used by main.ts and by the tests. */
export async function createApp(config: StafettConfig): Promise<INestApplication> {
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create(SchemaRegistryAppModule.forRoot(config), {
    bufferLogs: true,
    // The registry reads its own JSON bodies (all three media types, Confluent-shaped errors).
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Unknown routes answer in Confluent's shape, like the registry's own errors.
  app.useGlobalFilters(new SchemaRegistryNotFoundFilter());
  app.enableShutdownHooks();
  return app;
}
