import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { FaultPoint } from '@stafett/config';
import { contractType, entityContracts, topicDefinitions, type PersonImportPayload, type PersonImportRecord } from '@stafett/contracts';
import { provisionTopics, type ConsumedMessage, type KafkaAdminPort, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { dropDatabase, ensureDatabase } from '@stafett/persistence';
import { PersonTopicsHarness, validPerson } from '@stafett/person/testing';
import { freePort, startProcess, TEST_ENV, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';

/** A person-service process started by a scenario. */
export interface ServiceProcess {
  readonly process: RunningProcess;
  readonly port: number;
  /** Resolves once the process exited and its output was read to the end. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ImportItem {
  readonly externalId: string;
  readonly payload: PersonImportPayload | null;
}

export interface ScenarioOptions {
  /** Brokers of a private broker; default the test broker of the run. */
  readonly brokers?: readonly string[];
  /** A database on a private cluster; default a fresh database on the test server, dropped afterwards. */
  readonly databaseUrl?: string;
}

/** The harness reads `testKafkaBrokers()` when it is constructed: point it at `brokers` for that moment only. */
function harnessOn(prefix: string, brokers: readonly string[]): PersonTopicsHarness {
  const saved = process.env[TEST_ENV.kafkaBrokers];
  process.env[TEST_ENV.kafkaBrokers] = brokers.join(',');
  try {
    return new PersonTopicsHarness(prefix);
  } finally {
    if (saved === undefined) delete process.env[TEST_ENV.kafkaBrokers];
    else process.env[TEST_ENV.kafkaBrokers] = saved;
  }
}

/**
 * One fault scenario: its own topic prefix, its own database, person-service processes (real
 * processes the test may SIGKILL), and the independent `PersonTopicsHarness` reading every output
 * topic. `close()` stops everything it started, whatever state a failed test left.
 */
export class FaultScenario {
  readonly prefix: string;
  readonly system: string;
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly topics: PersonTopicsHarness;
  readonly services: ServiceProcess[] = [];
  private readonly ownDatabase: boolean;
  private readonly readers: KafkaConsumerPort[] = [];
  /** Unexpected exits of supervised services (exit and last output), in order. */
  readonly crashes: string[] = [];
  private closing = false;
  private readonly stopped = new Set<ServiceProcess>();
  private pool: Pool | undefined;
  private producer: KafkaProducerPort | undefined;
  private admin: Promise<KafkaAdminPort> | undefined;

  constructor(
    readonly name: string,
    options: ScenarioOptions = {},
  ) {
    this.prefix = `${uniqueId(`fault-${name}`)}.`;
    this.system = `fault-${name}`;
    this.brokers = options.brokers ?? testKafkaBrokers();
    this.ownDatabase = options.databaseUrl === undefined;
    if (options.databaseUrl) {
      this.databaseUrl = options.databaseUrl;
    } else {
      const url = new URL(testDatabaseUrl());
      url.pathname = `/${uniqueId(`fault_${name}`).replace(/-/g, '_')}`;
      this.databaseUrl = url.toString();
    }
    this.topics = harnessOn(this.prefix, this.brokers);
  }

  get importsTopic(): string {
    return this.topics.names.imports('person');
  }

  /** The import consumer's group (the service's default: `<prefix>stafett.person-service`). */
  get groupId(): string {
    return `${this.prefix}stafett.person-service`;
  }

  /** Creates the scenario's database and topics (the service would too; records may be produced first). */
  async prepare(): Promise<void> {
    await ensureDatabase(this.databaseUrl);
    await provisionTopics(this.topics.client, topicDefinitions({ prefix: this.prefix }));
  }

  /** Starts a person-service process on the scenario's broker, database and prefix (and the run's registry). */
  async startService(env: Record<string, string> = {}, options: { waitReady?: boolean } = {}): Promise<ServiceProcess> {
    const port = await freePort();
    if (this.closing) throw new Error(`${this.name} is closing: no new service`);
    const proc = startProcess('apps/person-service/src/main.ts', {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: this.brokers.join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      STAFETT_TOPIC_PREFIX: this.prefix,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.child.once('close', (code, signal) => resolve({ code, signal })),
    );
    const service = { process: proc, port, closed };
    this.services.push(service);
    if (options.waitReady ?? true) await proc.waitFor('ready', 90_000);
    return service;
  }

  /**
   * Acts as a process supervisor (Kubernetes, systemd) would: when `service` exits unexpectedly, the
   * exit is recorded in `crashes` and a new service is started in its place (supervised as well).
   */
  supervise(service: ServiceProcess): void {
    void service.closed.then(async (end) => {
      if (this.closing || this.stopped.has(service)) return;
      this.crashes.push(`${JSON.stringify(end)}\n${service.process.output().slice(-1_500)}`);
      await new Promise((r) => setTimeout(r, 1_000)); // a supervisor's restart delay
      if (!this.closing) this.supervise(await this.startService({}, { waitReady: false }));
    }).catch((e: unknown) => this.crashes.push(`the supervisor could not restart the service: ${(e as Error).message}`));
  }

  /** Waits (bounded) for a service to exit on its own, e.g. at a fault point. */
  async exited(service: ServiceProcess, timeoutMs = 90_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the service did not exit in ${timeoutMs} ms:\n${service.process.output().slice(-3_000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([service.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for a service to die at `point`: true once it said `fault: <point>` and was SIGKILLed; throws with its output otherwise. */
  async crashed(service: ServiceProcess, point: FaultPoint): Promise<true> {
    const end = await this.exited(service);
    const output = service.process.output();
    if (end.signal !== 'SIGKILL' || !output.includes(`fault: ${point}\n`)) {
      throw new Error(`expected a SIGKILL at fault point ${point}, got ${JSON.stringify(end)}:\n${output.slice(-4_000)}`);
    }
    return true;
  }

  /** Stops a service with `signal` and waits until it is gone. */
  async stopService(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.stopped.add(service);
    void service.process.kill(signal);
    return this.exited(service, 60_000);
  }

  /** The sum of a Prometheus counter over its labels, from a running service's `/metrics`. */
  async metric(service: ServiceProcess, name: string): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${service.port}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (m && m[1] === name) sum += Number(m[3]);
    }
    return sum;
  }

  /** A pool on the scenario's database, for the checks (survives a database restart). */
  db(): Pool {
    if (!this.pool) {
      this.pool = new Pool({ connectionString: this.databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
      this.pool.on('error', () => undefined); // a restarted server drops idle connections
    }
    return this.pool;
  }

  /** Import records applied in Postgres: the partitions' stored offsets summed (0 before the service migrated the database). */
  async processedCount(): Promise<number> {
    try {
      const { rows } = await this.db().query<{ n: string }>('SELECT coalesce(sum(next_offset), 0) AS n FROM person.consumer_offset');
      return Number(rows[0]?.n ?? 0);
    } catch (e) {
      if ((e as { code?: string }).code === '42P01') return 0;
      throw e;
    }
  }

  /** Import records the service's group has not committed yet (applied or dead-lettered), over all partitions. */
  async consumerLag(): Promise<number> {
    this.admin ??= this.topics.client.admin();
    this.admin.catch(() => (this.admin = undefined));
    const parts = await (await this.admin).groupLag(this.groupId, [this.importsTopic]);
    return parts.reduce((n, p) => n + p.lag, 0);
  }

  async outboxBacklog(): Promise<number> {
    const { rows } = await this.db().query<{ n: string }>('SELECT count(*) AS n FROM person.outbox');
    return Number(rows[0]?.n ?? 0);
  }

  /** `count` valid new persons, external ids `<tag>-<i>`. */
  persons(count: number, tag = 'p'): ImportItem[] {
    return Array.from({ length: count }, (_, i) => ({ externalId: `${tag}-${i}`, payload: validPerson(i) }));
  }

  /** The same persons with a changed e-mail (one new version each). */
  changed(items: readonly ImportItem[], wave: number): ImportItem[] {
    return items.map((p, i) => ({ ...p, payload: { ...p.payload, email: `wave${wave}.${i}@example.se` } }));
  }

  /** Produces import records through the harness (one send, in order). */
  importRecords(items: readonly ImportItem[]): Promise<PersonImportRecord[]> {
    return this.topics.importRecords(this.system, items);
  }

  /** Import records as a source connector would write them (not yet produced). */
  records(items: readonly ImportItem[], batchId = randomUUID()): PersonImportRecord[] {
    return items.map((i) => ({
      recordId: randomUUID(),
      batchId,
      source: { system: this.system, connectorId: null },
      externalId: i.externalId,
      op: 'UPSERT' as const,
      receivedAt: new Date(),
      payload: i.payload,
    }));
  }

  /** Encodes import records with the registered contract (Confluent wire format). */
  async encoder(): Promise<(record: PersonImportRecord) => Buffer> {
    return this.topics.serde.encoderFor<PersonImportRecord>(this.importsTopic, contractType(entityContracts('person').importRecord));
  }

  keyOf(record: { externalId: string }): string {
    return `${this.system}:${record.externalId}`;
  }

  /** Produces raw key/value pairs onto the imports topic, in order, in one send. */
  async produceRaw(messages: readonly { key: string; value: Buffer }[]): Promise<void> {
    this.producer ??= await this.topics.client.producer();
    await this.producer.send(messages.map((m) => ({ topic: this.importsTopic, key: m.key, value: m.value })));
  }

  /** Reads a topic from the beginning with a group of its own; the array fills as records arrive. */
  async readTopic(topic: string): Promise<ConsumedMessage[]> {
    const seen: ConsumedMessage[] = [];
    const reader = this.topics.client.consumer({
      groupId: uniqueId('fault-reader'),
      topics: [topic],
      dlqTopic: `${topic}.reader-dlq`,
      handler: async (messages) => void seen.push(...messages),
    });
    this.readers.push(reader);
    await reader.start();
    return seen;
  }

  /** Waits (bounded) until `probe` holds, polling. */
  until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 120_000, intervalMs = 50): Promise<true> {
    return waitFor(what, async () => ((await probe()) ? true : undefined), timeoutMs, intervalMs);
  }

  /** What the scenario looks like right now, for a failure message: counts and the last output of each service. */
  async diagnose(): Promise<string> {
    const count = async (f: () => Promise<number>) => f().catch((e: unknown) => `unavailable (${(e as Error).message})`);
    const lines = [
      `results ${new Set(this.topics.results.map((r) => r.recordId)).size}, events ${new Set(this.topics.events.map((e) => e.value.eventId)).size}, ` +
        `applied offsets ${await count(() => this.processedCount())}, outbox ${await count(() => this.outboxBacklog())}, ` +
        `consumer lag ${await count(() => this.consumerLag())}`,
    ];
    this.services.forEach((s, i) => {
      const c = s.process.child;
      lines.push(`service #${i + 1} (${c.exitCode === null && c.signalCode === null ? 'running' : `exited ${c.exitCode ?? c.signalCode}`}), last output:`, s.process.output().slice(-3_000));
    });
    return lines.join('\n');
  }

  /** Stops everything the scenario started, even after a failure; reports what could not be stopped. */
  async close(): Promise<void> {
    this.closing = true;
    const errors: unknown[] = [];
    // Each step bounded: a client talking to a broker that a failed test left dead must not hang the run.
    const attempt = async (step: () => Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([step(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('cleanup step timed out')), 30_000)))]);
      } catch (e) {
        errors.push(e);
      } finally {
        clearTimeout(timer);
      }
    };
    // By index: a service a supervisor started during these awaits is killed too.
    for (let i = 0; i < this.services.length; i++) await attempt(() => this.services[i].process.kill('SIGKILL'));
    for (const r of this.readers) await attempt(() => r.stop());
    await attempt(() => this.topics.close());
    await attempt(async () => this.producer?.disconnect());
    await attempt(async () => (await this.admin)?.disconnect());
    await attempt(async () => this.pool?.end());
    if (this.ownDatabase) await attempt(() => dropDatabase(this.databaseUrl));
    if (errors.length > 0) throw new AggregateError(errors, `${this.name}: cleanup failed`);
  }
}
