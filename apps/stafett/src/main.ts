import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { describeConfig, InvalidConfigError, loadConfig } from '@stafett/config';
import { createApp } from './create-app';
import { migrate } from './migrate';
import { demoGuide } from './demo/demo-guide';
import { loadDemo } from './demo/demo-loader';
import { runCli } from './cli/stafett-cli';

/** Subcommands that talk to a running platform over HTTP (no config, no database, no Kafka here). */
const CLI_COMMANDS = new Set(['import', 'export', 'connectors', 'lok', 'help', '--help', '-h']);

async function main(): Promise<void> {
  if (CLI_COMMANDS.has(process.argv[2] ?? '')) {
    const env = { STAFETT_URL: process.env['STAFETT_URL'], STAFETT_API_KEY: process.env['STAFETT_API_KEY'] };
    process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env });
    return;
  }
  const config = loadConfig(process.env);
  if (process.argv[2] === 'migrate') {
    // No app runs here: only warnings and errors reach the output, then the one summary line.
    NestLogger.overrideLogger(['error', 'warn']);
    const applied = await migrate(config);
    process.stdout.write(`stafett: ${applied.length === 0 ? 'the schema is current, no migration to apply' : `applied ${applied.length} migrations: ${applied.join(', ')}`}\n`);
    return;
  }
  const app = await createApp(config);
  await app.listen(config.port);
  // The sink connectors, once the built-in registry they decode with answers (it is served by this process).
  await app.startAllMicroservices();
  const logger = app.get(Logger);
  const base = `http://127.0.0.1:${config.port}`;
  logger.log({ config: describeConfig(config) }, `Stafett listening on ${base}`);
  if (process.argv.includes('--demo')) {
    const summary = await loadDemo(app, base, (message, details) => logger.log(details ?? {}, message));
    process.stdout.write(demoGuide(base, summary));
  }
}

main().catch((e: unknown) => {
  const message = e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`stafett: ${message}\n`);
  process.exit(1);
});
