import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureApiHttp } from '@stafett/api';
import { IMPORT_BODY_LIMIT } from '@stafett/imports';
import { Logger } from 'nestjs-pino';
import { InvalidConfigError, loadConfig } from '@stafett/config';
import { ensureDatabase } from '@stafett/persistence';
import { OrganisationServiceModule } from './organisation-service.module';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(OrganisationServiceModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // The key before the body, then the body within its limit, then the pipe.
  configureApiHttp(app, { jsonLimit: IMPORT_BODY_LIMIT });
  app.enableShutdownHooks();
  await app.listen(config.port);
  app.get(Logger).log(`organisation-service listening on http://127.0.0.1:${config.port}`);
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  const message = e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`organisation-service: ${message}\n`);
  process.exit(1);
});
