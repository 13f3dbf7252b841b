import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { InvalidConfigError, loadConfig } from '@stafett/config';
import { createCalendarConnector } from './create-calendar-connector';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { app } = await createCalendarConnector(config);
  await app.startAllMicroservices();
  await app.listen(config.port);
  app.get(Logger).log(`connector-calendar listening on http://127.0.0.1:${config.port}`);
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  const message = e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`connector-calendar: ${message}\n`);
  process.exit(1);
});
