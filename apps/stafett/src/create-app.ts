import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { configureApiHttp } from '@stafett/api';
import { connectCalendarSink } from '@stafett/calendar-feeds';
import type { StafettConfig } from '@stafett/config';
import { IMPORT_BODY_LIMIT } from '@stafett/imports';
import { ensureDatabase } from '@stafett/persistence';
import { AppModule, type AppOptions } from './app.module';

/** Builds the all-in-one application (not yet listening): used by main.ts and by the tests. */
export async function createApp(config: StafettConfig, options: AppOptions = {}): Promise<INestApplication> {
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // The key before the body, then the body within its limit, then the pipe.
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  // Sink connectors (started by main.ts with startAllMicroservices).
  connectCalendarSink(app, config);
  const openApi = new DocumentBuilder()
    .setTitle('Stafett')
    .setDescription('The integration platform of Swedish organised sport: organisations, persons, groups and activities.')
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs-json' });
  return app;
}
