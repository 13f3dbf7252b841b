import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { configureApiHttp } from '@stafett/api';
import { InvalidConfigError, loadConfig } from '@stafett/config';
import { ensureDatabase } from '@stafett/persistence';
import { ConnectorLokModule } from './connector-lok.module';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(ConnectorLokModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureApiHttp(app);
  app.enableShutdownHooks();
  await app.listen(config.port);
  app.get(Logger).log(`connector-lok listening on http://127.0.0.1:${config.port}`);
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  const message = e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`connector-lok: ${message}\n`);
  process.exit(1);
});
