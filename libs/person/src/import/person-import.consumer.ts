import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { contractType, entityContracts, TopicNames, topicDefinitions, type PersonImportRecord } from '@stafett/contracts';
import { AvroSerde, KAFKA_CLIENT, provisionTopics, RetryingStart, TransientError, type KafkaClientPort, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { OutboxRelay } from '@stafett/outbox';
import { crashAt, STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { PersonRepository } from '../database/person.repository';
import { PERSON_OPTIONS, type PersonModuleOptions } from '../person-options';
import { ApplyPersonCommandsUseCase } from './apply-person-commands.usecase';
import type { PersonCommand } from './person-commands';
import { createPersonEncoders } from './person-encoders';

const recordsIn = new Counter({ name: 'stafett_import_records_total', help: 'Import records consumed', labelNames: ['entity'] });
const outcomes = new Counter({ name: 'stafett_import_outcomes_total', help: 'Import outcomes by outcome and first reason code', labelNames: ['entity', 'outcome', 'code'] });
const published = new Counter({ name: 'stafett_outbox_published_total', help: 'Outbox rows published to Kafka', labelNames: ['schema'] });

/** The running service instances the gauges read (one per process; tests may create several in turn). */
const running = new Set<PersonImportService>();
const latest = (): PersonImportService | undefined => [...running].pop();
new Gauge({
  name: 'stafett_outbox_backlog',
  help: 'Outbox rows written but not yet acknowledged by Kafka',
  labelNames: ['schema'],
  async collect() {
    // A scrape never fails because a dependency is away: the gauge keeps its last value.
    const service = latest();
    const backlog = await service?.outboxBacklog().catch(() => undefined);
    if (backlog !== undefined) this.set({ schema: 'person' }, backlog);
  },
});
new Gauge({
  name: 'stafett_consumer_lag',
  help: 'Records on the topic not yet processed by the consumer group',
  labelNames: ['group', 'topic'],
  async collect() {
    const lag = await latest()
      ?.consumerLag()
      .catch(() => undefined);
    if (lag) this.set({ group: lag.group, topic: lag.topic }, lag.lag);
  },
});

/** Postgres unique_violation: two consumers created the same person at once; the retry will match it. */
const UNIQUE_VIOLATION = '23505';

function toCommand(r: PersonImportRecord): PersonCommand {
  return { recordId: r.recordId, batchId: r.batchId, source: r.source, externalId: r.externalId, op: r.op, payload: r.payload ?? null };
}

/**
 * The person service's Kafka side: provisions its topics, consumes `stafett.person.imports.v1` in
 * batches (one transaction per batch) and runs the outbox relay. Stops its consumer and relay
 * before the database pool closes.
 */
@Injectable()
export class PersonImportService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('person-import');
  private consumer: KafkaConsumerPort | undefined;
  private relay: OutboxRelay | undefined;
  private relayProducer: KafkaProducerPort | undefined;
  private useCase: ApplyPersonCommandsUseCase | undefined;
  private readonly start = new RetryingStart('person import', { warn: (o, m) => this.log.warn({ ...o, msg: m }) });
  readonly topics: TopicNames;

  constructor(
    @Inject(STAFETT_CONFIG) private readonly config: StafettConfig,
    @Inject(PERSON_OPTIONS) private readonly options: PersonModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClientPort,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly serde: AvroSerde,
  ) {
    this.topics = new TopicNames(options.topicPrefix ?? config.topicPrefix);
  }

  /** The use case, shared with the REST path so both apply the same rules. */
  async applyCommands(commands: readonly PersonCommand[]) {
    const useCase = await this.ready();
    return this.dataSource.transaction((manager) => useCase.execute(manager, commands));
  }

  /**
   * Starts the Kafka side in the background and keeps retrying while Kafka or the registry is
   * away: the service stays up (and says so on /health/ready) instead of crash-looping.
   */
  onApplicationBootstrap(): void {
    running.add(this);
    this.start.begin(() => this.startKafkaSide(), () => this.stopKafkaSide());
  }

  private async startKafkaSide(): Promise<void> {
    await provisionTopics(this.kafka, topicDefinitions({ prefix: this.topics.prefix }));
    await this.ready();
    this.relayProducer = await this.kafka.producer();
    this.relay = new OutboxRelay({
      databaseUrl: this.config.databaseUrl,
      schema: 'person',
      producer: this.relayProducer,
      logger: { info: (o, m) => this.log.log({ ...o, msg: m }), warn: (o, m) => this.log.warn({ ...o, msg: m }), error: (o, m) => this.log.error({ ...o, msg: m }) },
      onPublished: (n) => published.inc({ schema: 'person' }, n),
      faultPoint: () => crashAt(this.config, 'outbox.after-ack'),
    });
    this.relay.start();
    const reader = contractType(entityContracts('person').importRecord);
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      topics: [this.topics.imports('person')],
      dlqTopic: this.topics.dlq,
      maxBatchSize: this.options.importBatchSize ?? 2_000,
      // Two transactions at once keep both cores busy: one waits on Postgres while the other computes.
      partitionsConcurrently: 2,
      handler: async (messages) => {
        const { decoded, failed } = await this.serde.decodeBatch<PersonImportRecord>(messages, reader);
        recordsIn.inc({ entity: 'person' }, messages.length);
        if (decoded.length > 0) {
          let results;
          try {
            results = await this.applyCommands(decoded.map((d) => toCommand(d.value)));
          } catch (e) {
            if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw new TransientError('CONCURRENT_CREATE', 'a person was created concurrently; retrying the batch', { cause: e });
            throw e;
          }
          crashAt(this.config, 'person.after-db-commit'); // test-only: committed in Postgres, offsets not yet
          for (const r of results) if (!r.duplicate) outcomes.inc({ entity: 'person', outcome: r.outcome, code: r.reasons[0]?.code ?? '' });
        }
        return { failed };
      },
    });
    await this.consumer.start();
    this.log.log({ topic: this.topics.imports('person') }, 'person import consumer started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    running.delete(this);
    await this.start.stop();
    await this.stopKafkaSide();
  }

  private async stopKafkaSide(): Promise<void> {
    const { consumer, relay, relayProducer } = this;
    this.consumer = undefined;
    this.relay = undefined;
    this.relayProducer = undefined;
    await consumer?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await relayProducer?.disconnect().catch(() => undefined);
  }

  /** Rows in the outbox not yet acknowledged by Kafka. */
  async outboxBacklog(): Promise<number> {
    return this.relay ? this.relay.backlog() : 0;
  }

  /** Import records waiting for this service (summed over partitions). */
  async consumerLag(): Promise<{ group: string; topic: string; lag: number }> {
    const admin = await this.kafka.admin();
    try {
      const topic = this.topics.imports('person');
      const parts = await admin.groupLag(this.groupId, [topic]);
      return { group: this.groupId, topic, lag: parts.reduce((n, p) => n + p.lag, 0) };
    } finally {
      await admin.disconnect();
    }
  }

  private get groupId(): string {
    return this.options.consumerGroup ?? `${this.topics.prefix}stafett.person-service`;
  }

  private async ready(): Promise<ApplyPersonCommandsUseCase> {
    if (!this.useCase) {
      const rows: { value: Buffer }[] = await this.dataSource.query(`SELECT value FROM person.setting WHERE key = 'protected_identity_salt'`);
      const salt = rows[0]?.value;
      if (!salt) throw new Error('person.setting has no protected_identity_salt: run the migrations');
      this.useCase = new ApplyPersonCommandsUseCase(new PersonRepository(salt), await createPersonEncoders(this.serde, this.topics));
    }
    return this.useCase;
  }
}
