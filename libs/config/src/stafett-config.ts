import { ENTITY_TYPES, type EntityName } from '@stafett/contracts';
import { FAULT_POINTS, type FaultPoint } from './fault-points';

/**
 * The platform's configuration, parsed once at boot from the environment (DESIGN §2,
 * "Configuration"). Nothing else in the code base reads `process.env`: services receive a
 * `StafettConfig` through dependency injection (token `STAFETT_CONFIG`).
 */
export const STAFETT_CONFIG = Symbol('STAFETT_CONFIG');

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface StafettConfig {
  /** HTTP port of the all-in-one process (or of a service running alone). */
  readonly port: number;
  /** Postgres connection string. */
  readonly databaseUrl: string;
  /** Kafka bootstrap servers. */
  readonly kafkaBrokers: readonly string[];
  /** Confluent-compatible schema registry; undefined = use the built-in one. */
  readonly schemaRegistryUrl: string | undefined;
  /** Bootstrap admin API key; undefined = a development key is generated and printed once. */
  readonly adminApiKey: string | undefined;
  /**
   * Key of the HMAC-SHA-256 under which protected personnummer are remembered (never in the
   * database); undefined = a development key derived from DATABASE_URL (refused with NODE_ENV=production).
   */
  readonly protectedIdentityKey: string | undefined;
  /** Earlier protected-identity keys, still recognised and re-hashed under the current key when met (rotation). */
  readonly protectedIdentityPreviousKeys: readonly string[];
  readonly logLevel: LogLevel;
  /** Prepended to every topic name and consumer group: isolates tests (and tenants on a shared cluster). */
  readonly topicPrefix: string;
  /** Test-only: crash the process (SIGKILL) at these named points (see fault-points.ts); default none. */
  readonly faultPoints: readonly FaultPoint[];
  /** Run pending migrations when the service starts (default); false where a separate job migrates (the Helm chart's hook). */
  readonly migrateAtStart: boolean;
  /** Connect to the Kafka brokers over TLS. */
  readonly kafkaSsl: boolean;
  /** PEM file of the CA that signed the brokers' certificates; undefined = the system's CAs. */
  readonly kafkaSslCaFile: string | undefined;
  /** SASL mechanism for Kafka; undefined = no SASL. */
  readonly kafkaSaslMechanism: KafkaSaslMechanism | undefined;
  readonly kafkaSaslUsername: string | undefined;
  readonly kafkaSaslPassword: string | undefined;
  /** How long an import record that references an entity not yet seen waits (parked) before it is rejected with UNKNOWN_REFERENCE. */
  readonly referenceWaitMs: number;
  /** Days the change log of `GET /v1/changes` keeps a change (as long as the events topics keep it); default 30. */
  readonly changesRetentionDays: number;
  /** Largest file a connector run takes (`POST /v1/connectors/:id/runs`), in bytes; default 200 MB. */
  readonly connectorMaxFileBytes: number;
  /**
   * Entity types whose records `POST /v1/imports` of this process takes; undefined = the process's
   * own. Set where one service answers `/v1/imports` for every deployed service (the Helm chart's
   * Ingress): the records only go to Kafka, their own services apply them.
   */
  readonly importEntityTypes: readonly EntityName[] | undefined;
}

export type KafkaSaslMechanism = 'scram-sha-256' | 'scram-sha-512';

interface Variable<K extends keyof StafettConfig> {
  readonly name: string;
  readonly key: K;
  readonly description: string;
  readonly sensitive: boolean;
  readonly default?: string;
  readonly parse: (raw: string) => StafettConfig[K];
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SASL_MECHANISMS: readonly KafkaSaslMechanism[] = ['scram-sha-256', 'scram-sha-512'];

class ConfigValueError extends Error {}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigValueError('must be a TCP port (0-65535; 0 picks a free one)');
  return n;
}

function parseWaitMs(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 100 || n > 7 * 24 * 3600 * 1000) throw new ConfigValueError('must be a number of milliseconds between 100 and 604800000 (7 days)');
  return n;
}

function parseBytes(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 2 ** 40) throw new ConfigValueError('must be a number of bytes between 1 and 1099511627776 (1 TiB)');
  return n;
}

function parseUrl(protocols: readonly string[]) {
  return (raw: string): string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigValueError('must be a URL');
    }
    if (!protocols.includes(url.protocol)) throw new ConfigValueError(`must use ${protocols.join(' or ')}`);
    return raw.replace(/\/+$/, '');
  };
}

function parseBrokers(raw: string): readonly string[] {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new ConfigValueError('must list at least one host:port');
  for (const b of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new ConfigValueError(`"${b}" is not host:port`);
  }
  return brokers;
}

function parseLogLevel(raw: string): LogLevel {
  const level = raw.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new ConfigValueError(`must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function parseTopicPrefix(raw: string): string {
  if (!/^[A-Za-z0-9._-]{0,100}$/.test(raw)) throw new ConfigValueError('may only hold letters, digits, ".", "_" and "-"');
  return raw;
}

function parseFaultPoints(raw: string): readonly FaultPoint[] {
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  for (const n of names) {
    if (!(FAULT_POINTS as readonly string[]).includes(n)) throw new ConfigValueError(`"${n}" is not a fault point (known: ${FAULT_POINTS.join(', ')})`);
  }
  return names as FaultPoint[];
}

function parseBoolean(raw: string): boolean {
  const value = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigValueError('must be true or false');
}

function parseSaslMechanism(raw: string): KafkaSaslMechanism {
  const mechanism = raw.toLowerCase() as KafkaSaslMechanism;
  if (!SASL_MECHANISMS.includes(mechanism)) throw new ConfigValueError(`must be one of ${SASL_MECHANISMS.join(', ')}`);
  return mechanism;
}

function parseDays(raw: string): number {
  const n = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || n < 1) throw new ConfigValueError('must be a whole number of days (1 or more)');
  return n;
}

function parseEntityTypes(raw: string): readonly EntityName[] {
  const names = [
    ...new Set(
      raw
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n.length > 0),
    ),
  ];
  if (names.length === 0) throw new ConfigValueError(`must list at least one entity type (${ENTITY_TYPES.join(', ')})`);
  for (const n of names) {
    if (!(ENTITY_TYPES as readonly string[]).includes(n)) throw new ConfigValueError(`"${n}" is not an entity type (known: ${ENTITY_TYPES.join(', ')})`);
  }
  return names as EntityName[];
}

function parseText(raw: string): string {
  return raw;
}

function parseSecretKey(raw: string): string {
  if (raw.length < 32) throw new ConfigValueError('must be at least 32 characters (e.g. openssl rand -base64 32)');
  return raw;
}

function parseSecretKeys(raw: string): readonly string[] {
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  for (const k of keys) parseSecretKey(k);
  return keys;
}

function parseApiKey(raw: string): string {
  if (raw.length < 24) throw new ConfigValueError('must be at least 24 characters');
  return raw;
}

/** Every variable the platform reads, with its description: the source of `stafett config` docs. */
export const CONFIG_VARIABLES = [
  { name: 'PORT', key: 'port', description: 'HTTP port', sensitive: false, default: '8080', parse: parsePort },
  {
    name: 'DATABASE_URL',
    key: 'databaseUrl',
    description: 'Postgres connection string',
    sensitive: true,
    default: 'postgres://postgres@127.0.0.1:5432/stafett',
    parse: parseUrl(['postgres:', 'postgresql:']),
  },
  {
    name: 'KAFKA_BROKERS',
    key: 'kafkaBrokers',
    description: 'Kafka bootstrap servers, comma-separated host:port',
    sensitive: false,
    default: '127.0.0.1:9092',
    parse: parseBrokers,
  },
  {
    name: 'SCHEMA_REGISTRY_URL',
    key: 'schemaRegistryUrl',
    description: 'Confluent-compatible schema registry; unset = the built-in registry. May carry a key for writes: http://user:<key>@host',
    sensitive: true,
    parse: parseUrl(['http:', 'https:']),
  },
  {
    name: 'STAFETT_ADMIN_API_KEY',
    key: 'adminApiKey',
    description: 'Bootstrap admin API key; unset = a development key is generated and printed once',
    sensitive: true,
    parse: parseApiKey,
  },
  {
    name: 'STAFETT_PROTECTED_IDENTITY_KEY',
    key: 'protectedIdentityKey',
    description: 'Secret of the HMAC that remembers protected identities (≥ 32 characters; required with NODE_ENV=production; unset = a development key)',
    sensitive: true,
    parse: parseSecretKey,
  },
  {
    name: 'STAFETT_PROTECTED_IDENTITY_PREVIOUS_KEYS',
    key: 'protectedIdentityPreviousKeys',
    description: 'Earlier protected-identity keys, comma-separated: still recognised, re-hashed under the current key when met',
    sensitive: true,
    default: '',
    parse: parseSecretKeys,
  },
  { name: 'LOG_LEVEL', key: 'logLevel', description: 'Log level', sensitive: false, default: 'info', parse: parseLogLevel },
  {
    name: 'STAFETT_TOPIC_PREFIX',
    key: 'topicPrefix',
    description: 'Prefix of every topic and consumer group (tests, shared clusters); default none',
    sensitive: false,
    default: '',
    parse: parseTopicPrefix,
  },
  {
    name: 'STAFETT_FAULT_POINTS',
    key: 'faultPoints',
    description: 'Test-only: crash the process at these points (comma-separated fault point names); default none',
    sensitive: false,
    default: '',
    parse: parseFaultPoints,
  },
  {
    name: 'STAFETT_MIGRATE_AT_START',
    key: 'migrateAtStart',
    description: 'Run pending database migrations at start; false where a separate job runs `main.js migrate` first (the Helm chart)',
    sensitive: false,
    default: 'true',
    parse: parseBoolean,
  },
  { name: 'KAFKA_SSL', key: 'kafkaSsl', description: 'Connect to Kafka over TLS', sensitive: false, default: 'false', parse: parseBoolean },
  {
    name: 'KAFKA_SSL_CA_FILE',
    key: 'kafkaSslCaFile',
    description: "PEM file of the CA that signed the brokers' certificates (needs KAFKA_SSL=true); unset = the system's CAs",
    sensitive: false,
    parse: parseText,
  },
  {
    name: 'KAFKA_SASL_MECHANISM',
    key: 'kafkaSaslMechanism',
    description: 'SASL mechanism for Kafka (scram-sha-256, scram-sha-512); unset = no SASL',
    sensitive: false,
    parse: parseSaslMechanism,
  },
  { name: 'KAFKA_SASL_USERNAME', key: 'kafkaSaslUsername', description: 'SASL user name (with KAFKA_SASL_MECHANISM)', sensitive: false, parse: parseText },
  { name: 'KAFKA_SASL_PASSWORD', key: 'kafkaSaslPassword', description: 'SASL password (with KAFKA_SASL_MECHANISM)', sensitive: true, parse: parseText },
  {
    name: 'STAFETT_REFERENCE_WAIT_MS',
    key: 'referenceWaitMs',
    description: 'How long an import record referencing an entity not yet seen is parked (retried when it appears) before UNKNOWN_REFERENCE, in ms; default 15 minutes',
    sensitive: false,
    default: '900000',
    parse: parseWaitMs,
  },
  {
    name: 'STAFETT_CHANGES_RETENTION_DAYS',
    key: 'changesRetentionDays',
    description: 'Days GET /v1/changes keeps a change (match the retention of the events topics); default 30',
    sensitive: false,
    default: '30',
    parse: parseDays,
  },
  {
    name: 'STAFETT_CONNECTOR_MAX_FILE_BYTES',
    key: 'connectorMaxFileBytes',
    description: 'Largest file a connector run takes (POST /v1/connectors/:id/runs), in bytes; a larger one is refused with 413 and nothing of it is sent; default 200 MB',
    sensitive: false,
    default: String(200 * 1024 * 1024),
    parse: parseBytes,
  },
  {
    name: 'STAFETT_IMPORT_ENTITY_TYPES',
    key: 'importEntityTypes',
    description:
      'Entity types whose records POST /v1/imports of this service takes, comma-separated (organisation, person, group, activity), where one service answers /v1/imports for all (the Helm chart sets it); unset = its own',
    sensitive: false,
    parse: parseEntityTypes,
  },
] as const satisfies readonly Variable<keyof StafettConfig>[];

export class InvalidConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Parses the environment into a frozen config; lists every invalid variable at once. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): StafettConfig {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const v of CONFIG_VARIABLES as readonly Variable<keyof StafettConfig>[]) {
    const given = env[v.name];
    const raw = given === undefined || given.trim() === '' ? v.default : given.trim();
    if (raw === undefined) {
      values[v.key] = undefined;
      continue;
    }
    try {
      values[v.key] = v.parse(raw);
    } catch (e) {
      if (!(e instanceof ConfigValueError)) throw e;
      // Never echo a sensitive value back.
      problems.push(`${v.name} ${e.message}${v.sensitive ? '' : ` (got "${raw}")`}`);
    }
  }
  if (problems.length === 0) problems.push(...kafkaSecurityProblems(values as unknown as StafettConfig));
  // A development key would make the protected-identity hashes reversible by whoever reads DATABASE_URL.
  if (env['NODE_ENV'] === 'production' && values['protectedIdentityKey'] === undefined) {
    problems.push('STAFETT_PROTECTED_IDENTITY_KEY is required with NODE_ENV=production (a secret of at least 32 characters, kept outside the database)');
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return Object.freeze(values as unknown as StafettConfig);
}

/** Kafka's TLS and SASL variables only make sense together. */
function kafkaSecurityProblems(config: StafettConfig): string[] {
  const problems: string[] = [];
  if (config.kafkaSslCaFile !== undefined && !config.kafkaSsl) problems.push('KAFKA_SSL_CA_FILE needs KAFKA_SSL=true');
  const credentials = config.kafkaSaslUsername !== undefined || config.kafkaSaslPassword !== undefined;
  if (config.kafkaSaslMechanism !== undefined) {
    if (config.kafkaSaslUsername === undefined) problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM=${config.kafkaSaslMechanism}`);
    if (config.kafkaSaslPassword === undefined) problems.push(`KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM=${config.kafkaSaslMechanism}`);
  } else if (credentials) {
    problems.push('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM (scram-sha-256 or scram-sha-512)');
  }
  return problems;
}

/** How to reach Kafka securely, as the Kafka client needs it (read by @stafett/kafka). */
export interface KafkaSecurity {
  readonly ssl: false | { readonly caFile: string | undefined };
  readonly sasl: { readonly mechanism: KafkaSaslMechanism; readonly username: string; readonly password: string } | undefined;
}

export function kafkaSecurity(config: StafettConfig): KafkaSecurity {
  return {
    ssl: config.kafkaSsl ? { caFile: config.kafkaSslCaFile } : false,
    sasl:
      config.kafkaSaslMechanism && config.kafkaSaslUsername !== undefined && config.kafkaSaslPassword !== undefined
        ? { mechanism: config.kafkaSaslMechanism, username: config.kafkaSaslUsername, password: config.kafkaSaslPassword }
        : undefined,
  };
}

/** The config as it may be shown in logs and `stafett config`: sensitive values masked. */
export function describeConfig(config: StafettConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of CONFIG_VARIABLES as readonly Variable<keyof StafettConfig>[]) {
    const value = config[v.key];
    if (value === undefined) out[v.name] = '(unset)';
    else if (v.sensitive) out[v.name] = v.key === 'databaseUrl' || v.key === 'schemaRegistryUrl' ? maskUrlPassword(String(value)) : '***';
    else out[v.name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

function maskUrlPassword(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
