import { Logger } from '@nestjs/common';
import { entityContracts, projectedType, entityTopicDefinitions, topicDefinitions, type TopicNames } from '@stafett/contracts';
import { BACKGROUND_BATCHING, isTransient, provisionTopics, RetryingStart, type AvroSerde, type ConsumedMessage, type KafkaClientPort, type KafkaConsumerPort } from '@stafett/kafka';
import type { SqlExecutor } from '@stafett/outbox';
import type avro from 'avsc';
import { ConsumerOffsets, partitionKey } from '../database/consumer-offsets';
import type { EntityOutcome } from '../domain/entity-command';
import type { EntityState, ProjectedEntity } from '../domain/entity-rules.port';
import { ImportCoalescer } from '../import/import-coalescer';
import type { PipelineMetrics } from '../metrics/pipeline-metrics';
import type { EntityWriter } from '../write/entity-writer';
import { PROJECTED_FIELDS } from './projection-facts';
import type { ProjectedState } from './reference-projection';

const VERSION_HEADER = 'stafett.entity.version';

/** A change that the rules of `entity` derived from removed foreign entities (a group loses an erased member). */
export interface DerivedChange {
  readonly entity: string;
  readonly outcome: EntityOutcome<EntityState>;
}

/**
 * Where a projection consumer applies state records: one service's writer (`writerProjection`), or
 * the projection the services of one process share (`SharedReferences`).
 */
export interface ProjectionTarget {
  /** Names the consumer in logs. */
  readonly name: string;
  /** The schema whose `consumer_offset` keeps the applied offsets. */
  readonly schema: string;
  readonly topics: TopicNames;
  /** Resolves once derived changes can be applied (the writers' output schemas are registered). */
  ready(): Promise<unknown>;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Applies one entity kind's state records (in topic order) in the caller's transaction, and what follows them. */
  project(tx: SqlExecutor, entity: ProjectedEntity, records: readonly ProjectedState[]): Promise<readonly DerivedChange[]>;
}

/** A service's own projection, in its schema, kept by its writer. */
export function writerProjection(writer: EntityWriter<EntityState, unknown, unknown, unknown>): ProjectionTarget {
  const entity = writer.rules.entity;
  return {
    name: entity,
    schema: writer.rules.schema,
    topics: writer.topics,
    ready: () => writer.ready(),
    transaction: (work) => writer.transaction(work),
    project: async (tx, projected, records) => (await writer.applyProjection(tx, projected, records)).derived.map((outcome) => ({ entity, outcome })),
  };
}

/** One partition's state records, decoded, on their way into a shared transaction. */
interface ProjectionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly entity: ProjectedEntity;
  readonly records: readonly (ProjectedState & { offset: string })[];
  readonly lastOffset: string;
}

/**
 * Keeps a projection of other entities (`projections` of the pipeline definition) from
 * their compacted state topics, from the beginning: each partition's batch in one transaction with
 * its stored offset (a redelivery changes nothing), which also wakes the parked records waiting
 * for the entities that appeared and applies what the rules derive from removed ones (a group loses
 * an erased member). Never reads another service's tables.
 */
export class EntityProjectionConsumer {
  private readonly log: Logger;
  private readonly start: RetryingStart;
  private consumer: KafkaConsumerPort | undefined;
  private readonly offsets: ConsumerOffsets;
  private readonly readers = new Map<string, { entity: ProjectedEntity; type: avro.Type }>();

  constructor(
    private readonly target: ProjectionTarget,
    private readonly entities: readonly ProjectedEntity[],
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly metrics: PipelineMetrics,
    private readonly consumerGroup?: string,
  ) {
    this.log = new Logger(`${target.name}-projection`);
    this.start = new RetryingStart(`${target.name} projection consumer`, { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
    this.offsets = new ConsumerOffsets(target.schema);
    for (const entity of entities) this.readers.set(target.topics.state(entity), { entity, type: projectedType(entityContracts(entity).state, PROJECTED_FIELDS[entity]) });
  }

  get groupId(): string {
    return this.consumerGroup ?? `${this.target.topics.prefix}stafett.${this.target.name}-service.projection`;
  }

  begin(): void {
    if (this.entities.length === 0) return;
    this.start.begin(
      () => this.run(),
      () => this.halt(),
    );
  }

  async end(): Promise<void> {
    await this.start.stop();
    await this.halt();
  }

  private async run(): Promise<void> {
    const prefix = this.target.topics.prefix;
    // The state topics exist before their service first runs, so a projection can subscribe to them.
    const topics = new Map([...topicDefinitions({ prefix }), ...this.entities.flatMap((e) => entityTopicDefinitions(e, { prefix }))].map((t) => [t.topic, t]));
    await provisionTopics(this.kafka, [...topics.values()]);
    await this.target.ready();
    // The partitions' batches that wait together share one transaction (group commit): a projection
    // pays its statements per fetch, not per partition. One transaction at a time keeps wakes and
    // derived changes in the order of their state records.
    const coalescer = new ImportCoalescer<ProjectionBatch, readonly DerivedChange[]>(
      (batches) => this.applyBatches(batches),
      (b) => b.records.length,
      { concurrency: 1, maxRecords: 8_000 },
    );
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      topics: [...this.readers.keys()],
      dlqTopic: this.target.topics.dlq,
      fromBeginning: true,
      maxBatchSize: 2_000,
      partitionsConcurrently: 6 * this.readers.size,
      // Redelivery is recognised by the offsets stored with the projection, so Kafka's own commit may lag.
      offsetsStoredWithData: true,
      batching: BACKGROUND_BATCHING,
      handler: (messages) => this.handle(messages, coalescer),
    });
    await this.consumer.start();
    this.log.log({ topics: [...this.readers.keys()] }, `${this.target.name} projection of ${this.entities.join(', ')} started`);
  }

  private async handle(
    messages: readonly ConsumedMessage[],
    coalescer: ImportCoalescer<ProjectionBatch, readonly DerivedChange[]>,
  ): Promise<{ failed: { message: ConsumedMessage; error: unknown }[] }> {
    const { topic, partition } = messages[0];
    const reader = this.readers.get(topic);
    if (!reader) throw new Error(`the projection got a message of ${topic}, which it does not follow`);
    const records: (ProjectedState & { offset: string })[] = [];
    const failed: { message: ConsumedMessage; error: unknown }[] = [];
    for (const m of messages) {
      const id = m.key?.toString('utf8') ?? '';
      const version = Number(m.headers[VERSION_HEADER]?.toString('utf8') ?? NaN);
      if (!Number.isSafeInteger(version) || id === '') {
        failed.push({ message: m, error: new Error(`a ${reader.entity} state record without an entity id key or a ${VERSION_HEADER} header`) });
        continue;
      }
      try {
        const state = m.value === null ? null : await this.serde.decode<Record<string, unknown>>(m.value, reader.type);
        records.push({ id, version, state, offset: m.offset });
      } catch (error) {
        // The registry away: the whole batch is retried (never to the DLQ, which would lose the state).
        if (isTransient(error)) throw error;
        failed.push({ message: m, error });
      }
    }
    const derived = await coalescer.submit({ topic, partition, entity: reader.entity, records, lastOffset: messages[messages.length - 1].offset });
    const counts = new Map<string, number>();
    for (const { entity, outcome: o } of derived) {
      this.metrics.outcomes.inc({ entity, outcome: o.outcome, code: o.reasons[0]?.code ?? '' });
      counts.set(entity, (counts.get(entity) ?? 0) + 1);
    }
    for (const [entity, changes] of counts) this.log.log({ from: reader.entity, changes }, `${entity} changes derived from removed ${reader.entity} entities`);
    return { failed };
  }

  /**
   * Applies the batches of several partitions in one transaction: each partition's records from its
   * stored offset on (a redelivery changes nothing), one `applyProjection` per projected entity in
   * the order the batches came, and every partition's offset moved with them.
   */
  private async applyBatches(batches: readonly ProjectionBatch[]): Promise<(readonly DerivedChange[])[]> {
    return this.target.transaction(async (tx) => {
      const next = await this.offsets.lock(tx, batches);
      const byEntity = new Map<ProjectedEntity, ProjectedState[]>();
      for (const b of batches) {
        const from = next.get(partitionKey(b.topic, b.partition)) ?? 0n;
        const list = byEntity.get(b.entity) ?? [];
        for (const r of b.records) if (BigInt(r.offset) >= from) list.push(r);
        byEntity.set(b.entity, list);
      }
      const derived: DerivedChange[] = [];
      for (const [entity, records] of byEntity) {
        if (records.length === 0) continue;
        derived.push(...(await this.target.project(tx, entity, records)));
      }
      await this.offsets.advance(
        tx,
        batches.map((b) => ({ topic: b.topic, partition: b.partition, offset: BigInt(b.lastOffset) + 1n })),
      );
      // The derived changes are reported once, with the first batch.
      return batches.map((_, i) => (i === 0 ? derived : []));
    });
  }

  private async halt(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
  }
}
