import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { InvalidConfigError, loadConfig } from '@stafett/config';
import { createConnectorMemberFile } from './create-connector-member-file';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createConnectorMemberFile(config);
  await app.listen(config.port);
  app.get(Logger).log(`connector-member-file listening on http://127.0.0.1:${config.port} (platform API at ${config.platformUrl})`);
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  const message = e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`connector-member-file: ${message}\n`);
  process.exit(1);
});
