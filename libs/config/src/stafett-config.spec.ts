import { describeConfig, InvalidConfigError, kafkaSecurity, loadConfig } from './stafett-config';

describe(loadConfig.name, () => {
  it('should apply the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/stafett',
      kafkaBrokers: ['127.0.0.1:9092'],
      schemaRegistryUrl: undefined,
      adminApiKey: undefined,
      protectedIdentityKey: undefined,
      protectedIdentityPreviousKeys: [],
      logLevel: 'info',
      topicPrefix: '',
      faultPoints: [],
      migrateAtStart: true,
      kafkaSsl: false,
      kafkaSslCaFile: undefined,
      kafkaSaslMechanism: undefined,
      kafkaSaslUsername: undefined,
      kafkaSaslPassword: undefined,
      referenceWaitMs: 900_000,
      changesRetentionDays: 30,
      connectorMaxFileBytes: 209_715_200,
      importEntityTypes: undefined,
    });
  });

  it('should parse STAFETT_IMPORT_ENTITY_TYPES and refuse a name that is not an entity type', () => {
    expect(loadConfig({ STAFETT_IMPORT_ENTITY_TYPES: 'person, group,activity,group' }).importEntityTypes).toEqual(['person', 'group', 'activity']);
    expect(() => loadConfig({ STAFETT_IMPORT_ENTITY_TYPES: 'person,groups' })).toThrow(
      /STAFETT_IMPORT_ENTITY_TYPES "groups" is not an entity type \(known: organisation, person, group, activity\) \(got "person,groups"\)/,
    );
    expect(() => loadConfig({ STAFETT_IMPORT_ENTITY_TYPES: ' , ' })).toThrow(/STAFETT_IMPORT_ENTITY_TYPES must list at least one entity type/);
  });

  it('should take STAFETT_CONNECTOR_MAX_FILE_BYTES as a positive number of bytes', () => {
    expect(loadConfig({ STAFETT_CONNECTOR_MAX_FILE_BYTES: '1048576' }).connectorMaxFileBytes).toBe(1_048_576);
    expect(() => loadConfig({ STAFETT_CONNECTOR_MAX_FILE_BYTES: '200MB' })).toThrow(/STAFETT_CONNECTOR_MAX_FILE_BYTES must be a number of bytes/);
    expect(() => loadConfig({ STAFETT_CONNECTOR_MAX_FILE_BYTES: '0' })).toThrow(/STAFETT_CONNECTOR_MAX_FILE_BYTES must be a number of bytes/);
  });

  it('should leave migrations to a separate job when STAFETT_MIGRATE_AT_START is false', () => {
    expect(loadConfig({ STAFETT_MIGRATE_AT_START: 'false' }).migrateAtStart).toBe(false);
  });

  it('should refuse a STAFETT_MIGRATE_AT_START that is not a boolean', () => {
    expect(() => loadConfig({ STAFETT_MIGRATE_AT_START: 'later' })).toThrow(/STAFETT_MIGRATE_AT_START must be true or false \(got "later"\)/);
  });

  it('should parse STAFETT_CHANGES_RETENTION_DAYS and refuse what is not a number of days', () => {
    expect(loadConfig({ STAFETT_CHANGES_RETENTION_DAYS: '7' }).changesRetentionDays).toBe(7);
    expect(() => loadConfig({ STAFETT_CHANGES_RETENTION_DAYS: '0' })).toThrow(/STAFETT_CHANGES_RETENTION_DAYS must be a whole number of days \(1 or more\) \(got "0"\)/);
    expect(() => loadConfig({ STAFETT_CHANGES_RETENTION_DAYS: '2w' })).toThrow(/STAFETT_CHANGES_RETENTION_DAYS must be a whole number of days/);
  });

  it('should refuse an unknown SASL mechanism', () => {
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      /KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512 \(got "gssapi"\)/,
    );
  });

  it('should require both SASL credentials with a mechanism, without echoing the password', () => {
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_PASSWORD: 'pa55word-not-to-echo' })).toThrow(
      /^Invalid configuration:\n {2}- KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM=scram-sha-512$/,
    );
  });

  it('should refuse SASL credentials without a mechanism', () => {
    expect(() => loadConfig({ KAFKA_SASL_USERNAME: 'stafett', KAFKA_SASL_PASSWORD: 'secret' })).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM/);
  });

  it('should refuse a CA file without TLS', () => {
    expect(() => loadConfig({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' })).toThrow(/KAFKA_SSL_CA_FILE needs KAFKA_SSL=true/);
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

describe(kafkaSecurity.name, () => {
  it('should connect in plain text without SASL by default', () => {
    expect(kafkaSecurity(loadConfig({}))).toEqual({ ssl: false, sasl: undefined });
  });

  it('should give the client TLS with the CA file and SCRAM credentials when configured', () => {
    const config = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'stafett',
      KAFKA_SASL_PASSWORD: 'kafka-secret',
    });
    expect(kafkaSecurity(config)).toEqual({ ssl: { caFile: '/etc/kafka/ca.pem' }, sasl: { mechanism: 'scram-sha-256', username: 'stafett', password: 'kafka-secret' } });
  });

  it('should use the system CAs when TLS is on without a CA file', () => {
    expect(kafkaSecurity(loadConfig({ KAFKA_SSL: 'yes' })).ssl).toEqual({ caFile: undefined });
  });
});

describe(`${loadConfig.name} of the protected-identity key`, () => {
  it('should refuse to start in production without a protected-identity key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/STAFETT_PROTECTED_IDENTITY_KEY is required with NODE_ENV=production/);
  });

  it('should read the current key and the previous ones of a rotation', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      STAFETT_PROTECTED_IDENTITY_KEY: 'n'.repeat(32),
      STAFETT_PROTECTED_IDENTITY_PREVIOUS_KEYS: `${'o'.repeat(32)}, ${'p'.repeat(40)}`,
    });
    expect(config.protectedIdentityKey).toBe('n'.repeat(32));
    expect(config.protectedIdentityPreviousKeys).toEqual(['o'.repeat(32), 'p'.repeat(40)]);
  });

  it('should refuse a short key without echoing it', () => {
    expect(() => loadConfig({ STAFETT_PROTECTED_IDENTITY_KEY: 'too-short-secret' })).toThrow(
      'STAFETT_PROTECTED_IDENTITY_KEY must be at least 32 characters (e.g. openssl rand -base64 32)',
    );
  });
});

describe(describeConfig.name, () => {
  it('should mask the database password and the admin key', () => {
    const shown = describeConfig(loadConfig({ DATABASE_URL: 'postgres://app:hunter2@db/x', STAFETT_ADMIN_API_KEY: 'k'.repeat(30) }));
    expect(shown['DATABASE_URL']).toBe('postgres://app:***@db/x');
    expect(shown['STAFETT_ADMIN_API_KEY']).toBe('***');
    expect(shown['SCHEMA_REGISTRY_URL']).toBe('(unset)');
  });

  it('should mask the Kafka SASL password', () => {
    const shown = describeConfig(loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'stafett', KAFKA_SASL_PASSWORD: 'kafka-secret' }));
    expect(shown['KAFKA_SASL_PASSWORD']).toBe('***');
    expect(shown['KAFKA_SASL_USERNAME']).toBe('stafett');
  });

  it('should mask the protected-identity keys and a key in the registry URL', () => {
    const shown = describeConfig(loadConfig({ STAFETT_PROTECTED_IDENTITY_KEY: 'n'.repeat(32), SCHEMA_REGISTRY_URL: 'https://registry:stf_secret@registry.example/' }));
    expect(shown['STAFETT_PROTECTED_IDENTITY_KEY']).toBe('***');
    expect(shown['SCHEMA_REGISTRY_URL']).toBe('https://registry:***@registry.example/');
  });
});
