import { randomBytes } from 'node:crypto';
import { loadConfig, type StafettConfig } from '@stafett/config';

/**
 * What the integration tests run against, written by the global setup into the environment
 * of the jest process (tests run in band or in forked workers, which inherit it).
 */
export const TEST_ENV = {
  databaseUrl: 'STAFETT_TEST_DATABASE_URL',
  kafkaBrokers: 'STAFETT_TEST_KAFKA_BROKERS',
  startedKafka: 'STAFETT_TEST_STARTED_KAFKA',
  schemaRegistryUrl: 'STAFETT_TEST_SCHEMA_REGISTRY_URL',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through jest.integration.config.cjs (its global setup)`);
  return value;
}

/** The fresh database created for this test run (migrations applied by the services themselves). */
export function testDatabaseUrl(): string {
  return required(TEST_ENV.databaseUrl);
}

export function testKafkaBrokers(): string[] {
  return required(TEST_ENV.kafkaBrokers).split(',');
}

/** The built-in registry the global setup started for this run (on its own port, same database). */
export function testSchemaRegistryUrl(): string {
  return required(TEST_ENV.schemaRegistryUrl);
}

/** A short unique id: use it as topic prefix, consumer group and database suffix, one per test. */
export function uniqueId(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A config for a service under test, pointing at the test infrastructure. */
export function testConfig(overrides: Record<string, string> = {}): StafettConfig {
  return loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
    // Each app under test gets its own topics and consumer groups.
    STAFETT_TOPIC_PREFIX: `${uniqueId('app')}.`,
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...overrides,
  });
}
