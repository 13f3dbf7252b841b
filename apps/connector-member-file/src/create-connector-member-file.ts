import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { configureApiHttp } from '@stafett/api';
import type { StafettConfig } from '@stafett/config';
import { ensureDatabase } from '@stafett/persistence';
import { ConnectorMemberFileModule } from './connector-member-file.module';

/** The member-file connector, not yet listening: used by main.ts and the tests. */
export async function createConnectorMemberFile(config: StafettConfig, options: { quiet?: boolean } = {}): Promise<NestExpressApplication> {
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(ConnectorMemberFileModule.forRoot(config), options.quiet ? { logger: ['error', 'warn'] } : { bufferLogs: true });
  if (!options.quiet) app.useLogger(app.get(Logger));
  // The key before the body, then a small JSON body (agreements; a run's file is streamed, within STAFETT_CONNECTOR_MAX_FILE_BYTES), then the pipe.
  configureApiHttp(app, { jsonLimit: '1mb' });
  // SIGTERM: Nest stops the runs' producers and the agreement publisher before the database pool closes.
  app.enableShutdownHooks();
  return app;
}
