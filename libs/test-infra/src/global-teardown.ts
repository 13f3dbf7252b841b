import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { dropDatabase } from '@stafett/persistence';
import { TEST_ENV } from '@stafett/testing';

/** Stops the registry, drops the run's database and stops the broker if the setup started it. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __stafettTestRegistry?: { close(): Promise<void> } }).__stafettTestRegistry?.close();
  const databaseUrl = process.env[TEST_ENV.databaseUrl];
  if (databaseUrl && !process.env['STAFETT_TEST_KEEP_DATABASE']) await dropDatabase(databaseUrl);
  if (process.env[TEST_ENV.startedKafka]) {
    execFileSync(path.resolve(__dirname, '..', '..', '..', 'tools/kafka/kafka.sh'), ['stop'], { stdio: 'inherit' });
  }
}
