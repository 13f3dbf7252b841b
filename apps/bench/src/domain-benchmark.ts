import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { ChildProcess } from 'node:child_process';
import { contractType, entityContracts, TopicNames, topicDefinitions, type EntityName } from '@stafett/contracts';
import { luhnCheckDigit } from '@stafett/domain';
import { SHARED_REFERENCES_SCHEMA } from '@stafett/entity-pipeline';
import { AvroSerde, HttpSchemaRegistryClient, provisionTopics, type KafkaClientPort, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { benchPerson } from './bench-data';
import { pidsMatching, POSTGRES_PROCESSES, ProcessSampler } from './proc-stats';
import { platformEnded, running, spawnPlatform, stopPlatform } from './platform-process';

export interface DomainRun {
  readonly entity: EntityName;
  readonly records: number;
  /** Referenced entities per record (members, participants). */
  readonly referencesPerRecord: number;
  readonly recordsPerSecond: number;
  readonly processes: Record<string, { cpuSeconds: number; peakRssMiB: number }>;
}

interface ImportRecord {
  recordId: string;
  batchId: string;
  source: { system: string; connectorId: null };
  externalId: string;
  op: 'UPSERT';
  receivedAt: Date;
  payload: Record<string, unknown>;
}

const link = (externalId: string) => ({ id: null, system: 'bench', externalId, personalIdentityNumber: null });

/**
 * B5: the other three domains beside persons, B4-style: the all-in-one platform as a separate
 * process; the driver produces import records of one entity at a time and reads its
 * `<Entity>Changed` events back. Organisations (clubs under districts, by organisationsnummer),
 * then the persons the groups need, then groups with members and activities with participants,
 * each reference resolved from the services' projections (by the source's external ids).
 */
export class DomainBenchmark {
  private service: ChildProcess | undefined;
  private ended: Promise<never> = new Promise<never>(() => undefined);
  private readonly names: TopicNames;
  private readonly adminKey = `stf_bench_${randomUUID().replace(/-/g, '')}`;
  private readonly serde: AvroSerde;
  private producer: KafkaProducerPort | undefined;
  private reader: KafkaConsumerPort | undefined;
  private readonly seen = new Set<string>();
  private waiter: { ids: Set<string>; count: number; resolve: () => void } | undefined;
  private readonly db: Pool;

  constructor(
    private readonly repo: string,
    private readonly client: KafkaClientPort,
    private readonly env: { databaseUrl: string; brokers: string; port: number; prefix: string; profileDir?: string },
  ) {
    this.names = new TopicNames(env.prefix);
    this.serde = new AvroSerde(new HttpSchemaRegistryClient(`http://bench:${this.adminKey}@127.0.0.1:${env.port}/registry`));
    this.db = new Pool({ connectionString: env.databaseUrl, max: 1 });
  }

  async start(): Promise<void> {
    const profile = this.env.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${this.env.profileDir}`] : [];
    this.service = spawnPlatform(this.repo, { ...this.env, adminKey: this.adminKey }, profile);
    this.ended = platformEnded(this.service, 'B5');
    for (let i = 0; i < 240; i++) {
      const ok = await fetch(`http://127.0.0.1:${this.env.port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (!running(this.service)) throw new Error('the platform exited during start');
      await new Promise((r) => setTimeout(r, 500));
    }
    await provisionTopics(this.client, topicDefinitions({ prefix: this.env.prefix }));
    this.producer = await this.client.producer();
    const entities: EntityName[] = ['organisation', 'person', 'group', 'activity'];
    const readers = new Map(entities.map((e) => [this.names.events(e), contractType(entityContracts(e).changed)]));
    this.reader = this.client.consumer({
      groupId: `${this.env.prefix}bench-domain-reader`,
      topics: [...readers.keys()],
      dlqTopic: `${this.names.dlq}.bench-domain-reader`,
      maxBatchSize: 5_000,
      handler: async (messages) => {
        const { decoded } = await this.serde.decodeBatch<{ causationId: string | null }>(messages, readers.get(messages[0].topic)!);
        for (const { value } of decoded) {
          if (value.causationId && !this.seen.has(value.causationId)) {
            this.seen.add(value.causationId);
            if (this.waiter?.ids.has(value.causationId) && --this.waiter.count === 0) this.waiter.resolve();
          }
        }
      },
    });
    await this.reader.start();
  }

  /**
   * The register the runs build: `clubs` clubs under 20 districts of one federation, `clubs * 20`
   * persons (members of a club), `clubs * 2` groups of 10 members, `clubs * 10` activities of 10
   * participants. Returns one measured run per entity.
   */
  async run(clubs: number): Promise<DomainRun[]> {
    const runs: DomainRun[] = [];
    const districts = 20;
    await this.importAll('organisation', [
      this.record('fed', { type: 'FEDERATION', name: 'Bench Federation', organisationNumber: orgnr(0) }),
      ...Array.from({ length: districts }, (_, d) =>
        this.record(`district-${d}`, { type: 'DISTRICT', name: `District ${d}`, parent: link('fed'), organisationNumber: orgnr(1 + d) }),
      ),
    ]);
    const clubRecords = Array.from({ length: clubs }, (_, c) =>
      this.record(`club-${c}`, {
        type: 'CLUB',
        name: `Club ${c}`,
        parent: link(`district-${c % districts}`),
        organisationNumber: orgnr(100 + c),
        municipalityCode: '0180',
        sports: ['innebandy'],
      }),
    );
    runs.push(await this.measure('organisation', clubRecords, 0));
    // Each run starts once the entities before it are in the services' shared projection: B5
    // measures imports whose references resolve, not the wait of parked records.
    await this.projected('organisation', clubs + districts + 1);
    const persons = Array.from({ length: clubs * 20 }, (_, i) =>
      this.record(`p-${i}`, { ...benchPerson(i, 9), memberships: [{ organisation: link(`club-${i % clubs}`), from: '2025-01-01', to: null }] }),
    );
    runs.push(await this.measure('person', persons, 1));
    await this.projected('person', persons.length);
    const groups = Array.from({ length: clubs * 2 }, (_, g) => {
      const club = g % clubs;
      return this.record(`g-${g}`, {
        organisation: link(`club-${club}`),
        name: `Group ${g}`,
        type: 'TRAINING',
        status: 'ACTIVE',
        members: Array.from({ length: 10 }, (_, m) => ({
          person: link(`p-${club + clubs * ((m + (g >= clubs ? 10 : 0)) % 20)}`),
          role: m === 0 ? 'LEADER' : 'PARTICIPANT',
          from: '2025-08-01',
          to: null,
        })),
      });
    });
    runs.push(await this.measure('group', groups, 10));
    await this.projected('group', groups.length);
    const start = Date.UTC(2026, 0, 12, 17);
    const activities = Array.from({ length: clubs * 10 }, (_, a) => {
      const g = a % (clubs * 2);
      const club = g % clubs;
      const startsAt = new Date(start + Math.floor(a / (clubs * 2)) * 7 * 86_400_000);
      return this.record(`a-${a}`, {
        organisation: link(`club-${club}`),
        group: link(`g-${g}`),
        type: 'TRAINING',
        title: `Training ${a}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 90 * 60_000),
        status: 'PLANNED',
        participants: Array.from({ length: 10 }, (_, m) => ({
          person: link(`p-${club + clubs * ((m + (g >= clubs ? 10 : 0)) % 20)}`),
          role: m === 0 ? 'LEADER' : 'PARTICIPANT',
          attended: false,
        })),
      });
    });
    runs.push(await this.measure('activity', activities, 10));
    return runs;
  }

  /** Waits until the all-in-one's shared projection holds `count` entities of `entity`. */
  private async projected(entity: string, count: number): Promise<void> {
    const schema = SHARED_REFERENCES_SCHEMA;
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".known_entity WHERE entity = $1`, [entity]);
      if (rows[0].n >= count) return;
      if (Date.now() > deadline) throw new Error(`the shared projection holds ${rows[0].n} of ${count} ${entity} entities after 10 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    await this.db.end();
    await this.reader?.stop();
    await this.producer?.disconnect();
    await stopPlatform(this.service);
  }

  private record(externalId: string, payload: Record<string, unknown>): ImportRecord {
    return { recordId: randomUUID(), batchId: 'bench-domains', source: { system: 'bench', connectorId: null }, externalId, op: 'UPSERT', receivedAt: new Date(), payload };
  }

  private async measure(entity: EntityName, records: ImportRecord[], referencesPerRecord: number): Promise<DomainRun> {
    const sampler = new ProcessSampler({
      'node (platform)': () => (this.service?.pid ? [this.service.pid] : []),
      'node (bench driver)': () => [process.pid],
      'java (kafka)': () => pidsMatching(/kafka\.Kafka /),
      postgres: () => pidsMatching(POSTGRES_PROCESSES),
    });
    sampler.begin();
    const started = performance.now();
    await this.importAll(entity, records);
    const seconds = (performance.now() - started) / 1000;
    return { entity, records: records.length, referencesPerRecord, recordsPerSecond: records.length / seconds, processes: sampler.end() };
  }

  private async importAll(entity: EntityName, records: ImportRecord[]): Promise<void> {
    const topic = this.names.imports(entity);
    const encode = await this.serde.encoderFor<ImportRecord>(topic, contractType(entityContracts(entity).importRecord));
    const ids = new Set(records.map((r) => r.recordId));
    const done = new Promise<void>((resolve) => (this.waiter = { ids, count: ids.size, resolve }));
    const values = records.map((r) => ({ topic, key: `bench:${r.externalId}`, value: encode(r) }));
    for (let i = 0; i < values.length; i += 20_000) await this.producer!.send(values.slice(i, i + 20_000));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${entity}: ${this.waiter?.count} of ${ids.size} events still missing after 10 minutes`)), 600_000)),
    );
    try {
      await Promise.race([done, timeout, this.ended]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A valid organisationsnummer (ideell förening, 802…) per index. */
function orgnr(i: number): string {
  const nine = `802${String(i).padStart(6, '0')}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}
