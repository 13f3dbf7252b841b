import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { StafettConfig } from '@stafett/config';
import { ensureDatabase } from '@stafett/persistence';
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
  app.enableShutdownHooks();
  return app;
}
