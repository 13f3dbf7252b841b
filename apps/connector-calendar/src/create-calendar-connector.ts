import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { configureApiHttp } from '@stafett/api';
import { connectCalendarSink } from '@stafett/calendar-feeds';
import type { StafettConfig } from '@stafett/config';
import type { StafettKafkaTransport } from '@stafett/connector-sdk';
import { ensureDatabase } from '@stafett/persistence';
import { CalendarConnectorModule } from './calendar-connector.module';

/** The calendar connector (HTTP + sink), not yet listening: used by main.ts and the tests. Start with `startAllMicroservices()` then `listen()`. */
export async function createCalendarConnector(config: StafettConfig, options: { quiet?: boolean } = {}): Promise<{ app: NestExpressApplication; sink: StafettKafkaTransport }> {
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(CalendarConnectorModule.forRoot(config), options.quiet ? { logger: ['error', 'warn'] } : { bufferLogs: true });
  if (!options.quiet) app.useLogger(app.get(Logger));
  // The key before the body, then a small body (a feed request is two fields), then the pipe.
  configureApiHttp(app, { jsonLimit: '16kb' });
  app.enableShutdownHooks();
  const sink = connectCalendarSink(app, config);
  return { app, sink };
}
