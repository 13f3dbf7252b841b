import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Pool } from 'pg';
import { contractType, entityContracts, TopicNames, topicDefinitions, type PersonChanged, type PersonImportRecord } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, provisionTopics, type KafkaClientPort, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { startSchemaRegistry, type RunningSchemaRegistry } from '@stafett/schema-registry';
import { benchRecord } from './bench-data';
import { pidsMatching, POSTGRES_PROCESSES, ProcessSampler } from './proc-stats';
import { platformEnded, running, spawnPlatform, stopPlatform } from './platform-process';

export interface PipelineRun {
  readonly records: number;
  /** Persons in the register when the run started. */
  readonly registerBefore: number;
  readonly recordsPerSecond: number;
  readonly maxOutboxBacklog: number;
  readonly maxConsumerLag: number;
  /** How long after the last event the platform took to become quiet (its CPU is counted to then). */
  readonly settleMs: number;
  readonly processes: Record<string, { cpuSeconds: number; peakRssMiB: number }>;
}

export interface LatencyRun {
  readonly stagesP50Ms: { readonly sentToApplied: number; readonly appliedToRelayed: number; readonly relayedToRead: number };
  readonly ratePerSecond: number;
  readonly records: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * What B4 runs as the platform: the all-in-one (every service and the built-in registry in one
 * process, as `npm start` and small installations run it), or the person service alone (B9: its
 * deployable `apps/person-service`, as a split deployment runs it, with a registry of its own in
 * the driver's process): the pipeline's own cost, without the services that follow every person
 * change in the all-in-one (reference projections, sinks, the change log).
 */
export type PipelineDeployment = 'all-in-one' | 'person-service';

/**
 * B4 and B9: the platform as a separate process; this process produces person import records and
 * reads the `PersonChanged` events with an independent consumer.
 */
export class PipelineBenchmark {
  private service: ChildProcess | undefined;
  private ended: Promise<never> = new Promise<never>(() => undefined);
  private readonly names: TopicNames;
  private readonly db: Pool;
  private readonly adminKey = `stf_bench_${randomUUID().replace(/-/g, '')}`;
  private serde: AvroSerde;
  private registry: RunningSchemaRegistry | undefined;
  private checkpointRefused = false;
  private producer: KafkaProducerPort | undefined;
  private reader: KafkaConsumerPort | undefined;
  /** recordId -> time its event was read */
  private readonly seen = new Map<string, number>();
  /** recordId -> [event occurredAt (the service applied it), event record timestamp (the relay sent it), when the reader got it], epoch ms */
  private readonly stages = new Map<string, [applied: number, relayed: number, read: number]>();
  private waiter: { count: number; ids: Set<string>; resolve: () => void } | undefined;

  constructor(
    private readonly repo: string,
    private readonly client: KafkaClientPort,
    private readonly env: { databaseUrl: string; brokers: string; port: number; prefix: string; profileDir?: string; deployment?: PipelineDeployment },
  ) {
    this.names = new TopicNames(env.prefix);
    this.db = new Pool({ connectionString: env.databaseUrl, max: 1 });
    // Registry writes need an admin key: the driver registers the import schema with the platform's.
    this.serde = new AvroSerde(new HttpSchemaRegistryClient(`http://bench:${this.adminKey}@127.0.0.1:${env.port}/registry`));
  }

  private get baseUrl(): string {
    return `http://127.0.0.1:${this.env.port}`;
  }

  async start(): Promise<void> {
    const profile = this.env.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${this.env.profileDir}`] : [];
    const platform = { ...this.env, adminKey: this.adminKey };
    if (this.env.deployment === 'person-service') {
      this.registry = await startSchemaRegistry({ databaseUrl: this.env.databaseUrl, adminKeys: [this.adminKey] });
      const registryUrl = new URL(this.registry.url);
      registryUrl.username = 'bench';
      registryUrl.password = this.adminKey;
      this.serde = new AvroSerde(new HttpSchemaRegistryClient(registryUrl.toString().replace(/\/+$/, '')));
      this.service = spawnPlatform(this.repo, platform, profile, { app: 'person-service', env: { SCHEMA_REGISTRY_URL: registryUrl.toString().replace(/\/+$/, '') } });
    } else {
      this.service = spawnPlatform(this.repo, platform, profile);
    }
    const name = this.env.deployment === 'person-service' ? 'B9' : 'B4';
    this.ended = platformEnded(this.service, name);
    for (let i = 0; i < 240; i++) {
      const ok = await fetch(`${this.baseUrl}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (!running(this.service)) throw new Error(`${name}: the platform exited during start`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await provisionTopics(this.client, topicDefinitions({ prefix: this.env.prefix }));
    this.producer = await this.client.producer();
    const reader = contractType(entityContracts('person').changed);
    this.reader = this.client.consumer({
      groupId: `${this.env.prefix}bench-reader`,
      topics: [this.names.events('person')],
      dlqTopic: `${this.names.dlq}.bench-reader`,
      maxBatchSize: 5_000,
      handler: async (messages) => {
        const now = performance.now();
        const epoch = Date.now();
        const { decoded } = await this.serde.decodeBatch<PersonChanged>(messages, reader);
        for (const { value, message } of decoded) {
          if (value.causationId && !this.seen.has(value.causationId)) {
            this.seen.set(value.causationId, now);
            this.stages.set(value.causationId, [value.occurredAt.getTime(), Number(message.timestamp), epoch]);
            if (this.waiter?.ids.has(value.causationId) && --this.waiter.count === 0) this.waiter.resolve();
          }
        }
      },
    });
    await this.reader.start();
  }

  /** Produces `count` records as fast as the producer goes; measures until the last event is read. */
  async throughput(run: number, count: number): Promise<PipelineRun> {
    const encode = await this.encoder();
    const registerBefore = await this.registerSize();
    // A checkpoint first, so that the dirty pages of the previous run (or benchmark: DROP DATABASE
    // checkpoints too) are not written on this run's Postgres CPU; B9's Postgres figure varied
    // between 46 and 81 µs per record from one bench to the next without it.
    await this.checkpoint();
    const records = Array.from({ length: count }, (_, i) => benchRecord(i, run, randomUUID()));
    const values = records.map((r) => ({ topic: this.names.imports('person'), key: `bench:${r.externalId}`, value: encode(r) }));
    const done = this.expect(records);
    // Observed now: a platform that ends during the sends below would otherwise be an unhandled rejection.
    done.catch(() => undefined);
    const sampler = new ProcessSampler({
      'node (platform)': () => (this.service?.pid ? [this.service.pid] : []),
      'node (bench driver)': () => [process.pid],
      'java (kafka)': () => pidsMatching(/kafka\.Kafka /),
      postgres: () => pidsMatching(POSTGRES_PROCESSES),
    });
    let maxBacklog = 0;
    let maxLag = 0;
    const poll = setInterval(() => {
      void this.metrics().then((m) => {
        maxBacklog = Math.max(maxBacklog, m.backlog);
        maxLag = Math.max(maxLag, m.lag);
      });
    }, 1_000);
    sampler.begin();
    const started = performance.now();
    for (let i = 0; i < values.length; i += 20_000) await this.producer!.send(values.slice(i, i + 20_000));
    await done;
    const seconds = (performance.now() - started) / 1000;
    // The CPU of the records is counted until the platform is quiet: the consumers that follow in
    // the background (projections, the change log, sinks) may still be applying the last ones.
    const settleMs = await sampler.settle('node (platform)');
    // The run's own dirty pages are written on its own CPU, as they would be by the next checkpoint.
    await this.checkpoint();
    clearInterval(poll);
    return { records: count, registerBefore, recordsPerSecond: count / seconds, maxOutboxBacklog: maxBacklog, maxConsumerLag: maxLag, settleMs, processes: sampler.end() };
  }

  /** Produces at a steady rate in 10 ms ticks; end-to-end latency from send to the event being read. */
  async latency(run: number, ratePerSecond: number, seconds: number): Promise<LatencyRun> {
    const encode = await this.encoder();
    const perTick = Math.max(1, Math.round(ratePerSecond / 100));
    const ticks = seconds * 100;
    const sentAt = new Map<string, number>();
    const sentAtEpoch = new Map<string, number>();
    const all: PersonImportRecord[] = [];
    const started = performance.now();
    for (let t = 0; t < ticks; t++) {
      const records = Array.from({ length: perTick }, (_, i) => benchRecord(t * perTick + i, run, 'latency'));
      all.push(...records);
      const now = performance.now();
      const epoch = Date.now();
      for (const r of records) {
        sentAt.set(r.recordId, now);
        sentAtEpoch.set(r.recordId, epoch);
      }
      await this.producer!.send(records.map((r) => ({ topic: this.names.imports('person'), key: `bench:${r.externalId}`, value: encode(r) })));
      const wait = started + (t + 1) * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await this.expect(all);
    const latencies = all.map((r) => this.seen.get(r.recordId)! - sentAt.get(r.recordId)!).sort((a, b) => a - b);
    // Where the time goes (median of each stage, epoch clocks of one machine): sent → applied (consumer
    // fetch + transaction up to the use case), applied → relayed (commit, relay wake-up, send), relayed →
    // read (the broker's ack, the reader's fetch).
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const stage = (f: (s: [number, number, number], sent: number) => number) => Math.round(median(all.map((r) => f(this.stages.get(r.recordId)!, sentAtEpoch.get(r.recordId)!))));
    const stages = {
      sentToApplied: stage(([applied], sent) => applied - sent),
      appliedToRelayed: stage(([applied, relayed]) => relayed - applied),
      relayedToRead: stage(([, relayed, read]) => read - relayed),
    };
    return { ratePerSecond: perTick * 100, records: all.length, p50Ms: Math.round(percentile(latencies, 50)), p99Ms: Math.round(percentile(latencies, 99)), stagesP50Ms: stages };
  }

  /** Persons in the register. */
  async registerSize(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM person.person');
    return Number(rows[0].n);
  }

  /** The person outbox on disk (heap, indexes, TOAST) and its live rows. */
  async outboxSize(): Promise<{ bytes: number; rows: number }> {
    const { rows } = await this.db.query<{ bytes: string; n: string }>(`SELECT pg_total_relation_size('person.outbox') AS bytes, (SELECT count(*) FROM person.outbox) AS n`);
    return { bytes: Number(rows[0].bytes), rows: Number(rows[0].n) };
  }

  async stop(): Promise<void> {
    try {
      await this.db.end();
      await this.reader?.stop();
      await this.producer?.disconnect();
      await stopPlatform(this.service);
    } finally {
      await this.registry?.close();
    }
  }

  /** `CHECKPOINT` (superuser or `pg_checkpoint`); refused, the figures carry other runs' page writes, and the bench says so once. */
  private async checkpoint(): Promise<void> {
    await this.db.query('CHECKPOINT').catch((e: unknown) => {
      if (!this.checkpointRefused) process.stderr.write(`bench: CHECKPOINT refused (${(e as Error).message}): Postgres CPU per run includes other runs' page writes\n`);
      this.checkpointRefused = true;
    });
  }

  private encoder() {
    return this.serde.encoderFor<PersonImportRecord>(this.names.imports('person'), contractType(entityContracts('person').importRecord));
  }

  private expect(records: readonly PersonImportRecord[]): Promise<void> {
    const ids = new Set(records.map((r) => r.recordId));
    let count = 0;
    for (const id of ids) if (!this.seen.has(id)) count++;
    if (count === 0) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => (this.waiter = { ids, count, resolve })), this.ended]);
  }

  private async metrics(): Promise<{ backlog: number; lag: number }> {
    const text = await fetch(`${this.baseUrl}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    // The person import consumer's lag (the all-in-one reports every entity's; B4 read another's, 0).
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    return { backlog: value(/^stafett_outbox_backlog\{entity="person"\} (\d+)/m), lag: value(/^stafett_consumer_lag\{[^}]*entity="person"[^}]*\} (\d+)/m) };
  }
}
