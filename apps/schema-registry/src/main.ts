import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { describeConfig, InvalidConfigError, loadConfig } from '@stafett/config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port);
  app.get(Logger).log({ config: describeConfig(config) }, `Stafett schema registry listening on http://127.0.0.1:${config.port}`);
}

main().catch((e: unknown) => {
  const message =
    e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`schema-registry: ${message}\n`);
  process.exit(1);
});
