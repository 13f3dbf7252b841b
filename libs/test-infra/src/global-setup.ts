import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { generateApiKey } from '@stafett/api';
import { ensureDatabase } from '@stafett/persistence';
import { startSchemaRegistry } from '@stafett/schema-registry';
import { TEST_ENV, uniqueId } from '@stafett/testing';

const root = path.resolve(__dirname, '..', '..', '..');

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

/**
 * Jest global setup for the integration tiers: a real Kafka broker (reused when one answers,
 * else started through tools/kafka and stopped in teardown), a fresh Postgres database, and the
 * built-in schema registry on a free port (with its migrations) on that database; its URL carries
 * the registry's admin key (`http://stafett-tests:<key>@…`), which registry clients send as Basic auth.
 */
export default async function globalSetup(): Promise<void> {
  const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const [host = '127.0.0.1', port = '9092'] = (brokers.split(',')[0] ?? '').split(':');
  if (!(await portAnswers(host, Number(port)))) {
    if (process.env['KAFKA_BROKERS']) throw new Error(`KAFKA_BROKERS=${brokers} does not answer`);
    execFileSync(path.join(root, 'tools/kafka/kafka.sh'), ['start'], { stdio: 'inherit' });
    process.env[TEST_ENV.startedKafka] = '1';
  }
  process.env[TEST_ENV.kafkaBrokers] = brokers;

  const base = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/stafett');
  base.pathname = `/${uniqueId('stafett_test').replace(/-/g, '_')}`;
  try {
    await ensureDatabase(base.toString());
  } catch (e) {
    throw new Error(`Postgres at ${base.host} is not reachable (${(e as Error).message}); start it or set DATABASE_URL`);
  }
  process.env[TEST_ENV.databaseUrl] = base.toString();

  // Registry writes need an admin key: the tests' clients send it as Basic auth from the URL, as Confluent clients do.
  const registryKey = generateApiKey();
  const registry = await startSchemaRegistry({ databaseUrl: base.toString(), port: 0, adminKeys: [registryKey] });
  (globalThis as { __stafettTestRegistry?: { close(): Promise<void> } }).__stafettTestRegistry = registry;
  const withKey = new URL(registry.url);
  withKey.username = 'stafett-tests';
  withKey.password = registryKey;
  process.env[TEST_ENV.schemaRegistryUrl] = withKey.toString().replace(/\/+$/, '');
}
