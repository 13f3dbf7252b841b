import { describeConfig, InvalidConfigError, loadConfig } from './stafett-config';

describe(loadConfig.name, () => {
  it('should apply the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/stafett',
      kafkaBrokers: ['127.0.0.1:9092'],
      schemaRegistryUrl: undefined,
      adminApiKey: undefined,
      logLevel: 'info',
      topicPrefix: '',
      faultPoints: [],
    });
  });

  it('should parse the test-only fault points and refuse an unknown one', () => {
    expect(loadConfig({ STAFETT_FAULT_POINTS: ' import.after-db-commit, outbox.after-ack ' }).faultPoints).toEqual(['import.after-db-commit', 'outbox.after-ack']);
    expect(() => loadConfig({ STAFETT_FAULT_POINTS: 'person.after-db-comit' })).toThrow(
      /STAFETT_FAULT_POINTS "person.after-db-comit" is not a fault point \(known: import.after-db-commit, outbox.after-ack\)/,
    );
  });

  it('should parse every variable that is given', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8081/',
      STAFETT_ADMIN_API_KEY: 'a'.repeat(32),
      LOG_LEVEL: 'DEBUG',
    });
    expect(config.port).toBe(9000);
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.schemaRegistryUrl).toBe('http://registry:8081');
    expect(config.logLevel).toBe('debug');
  });

  it('should list every invalid variable at once and never echo a secret', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', KAFKA_BROKERS: 'nohost', STAFETT_ADMIN_API_KEY: 'short-secret' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const problems = (error as InvalidConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^PORT must be a TCP port/);
    expect(problems[1]).toMatch(/^KAFKA_BROKERS "nohost" is not host:port/);
    expect(problems[2]).toBe('STAFETT_ADMIN_API_KEY must be at least 24 characters');
    expect((error as Error).message).not.toContain('short-secret');
  });
});

describe(describeConfig.name, () => {
  it('should mask the database password and the admin key', () => {
    const shown = describeConfig(
      loadConfig({ DATABASE_URL: 'postgres://app:hunter2@db/x', STAFETT_ADMIN_API_KEY: 'k'.repeat(30) }),
    );
    expect(shown['DATABASE_URL']).toBe('postgres://app:***@db/x');
    expect(shown['STAFETT_ADMIN_API_KEY']).toBe('***');
    expect(shown['SCHEMA_REGISTRY_URL']).toBe('(unset)');
  });
});
