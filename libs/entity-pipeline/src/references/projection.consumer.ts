import { Logger } from '@nestjs/common';
import { entityContracts, projectedType, entityTopicDefinitions, topicDefinitions } from '@stafett/contracts';
import { BACKGROUND_BATCHING, isTransient, provisionTopics, RetryingStart, type AvroSerde, type ConsumedMessage, type KafkaClientPort, type KafkaConsumerPort } from '@stafett/kafka';
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

/** One partition's state records, decoded, on their way into a shared transaction. */
interface ProjectionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly entity: ProjectedEntity;
  readonly records: readonly (ProjectedState & { offset: string })[];
  readonly lastOffset: string;
}

/**
 * Keeps this service's projection of other entities (`projections` of the pipeline definition) from
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
    private readonly writer: EntityWriter<EntityState, unknown, unknown, unknown>,
    private readonly entities: readonly ProjectedEntity[],
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly metrics: PipelineMetrics,
    private readonly consumerGroup?: string,
  ) {
    this.log = new Logger(`${writer.rules.entity}-projection`);
    this.start = new RetryingStart(`${writer.rules.entity} projection consumer`, { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
    this.offsets = new ConsumerOffsets(writer.rules.schema);
    for (const entity of entities) this.readers.set(writer.topics.state(entity), { entity, type: projectedType(entityContracts(entity).state, PROJECTED_FIELDS[entity]) });
  }

  get groupId(): string {
    return this.consumerGroup ?? `${this.writer.topics.prefix}stafett.${this.writer.rules.entity}-service.projection`;
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
    const prefix = this.writer.topics.prefix;
    // The state topics exist before their service first runs, so a projection can subscribe to them.
    const topics = new Map([...topicDefinitions({ prefix }), ...this.entities.flatMap((e) => entityTopicDefinitions(e, { prefix }))].map((t) => [t.topic, t]));
    await provisionTopics(this.kafka, [...topics.values()]);
    await this.writer.ready();
    // The partitions' batches that wait together share one transaction (group commit): a projection
    // pays its statements per fetch, not per partition. One transaction at a time keeps wakes and
    // derived changes in the order of their state records.
    const coalescer = new ImportCoalescer<ProjectionBatch, readonly EntityOutcome<EntityState>[]>(
      (batches) => this.applyBatches(batches),
      (b) => b.records.length,
      { concurrency: 1, maxRecords: 8_000 },
    );
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      topics: [...this.readers.keys()],
      dlqTopic: this.writer.topics.dlq,
      fromBeginning: true,
      maxBatchSize: 2_000,
      partitionsConcurrently: 6 * this.readers.size,
      // Redelivery is recognised by the offsets stored with the projection, so Kafka's own commit may lag.
      offsetsStoredWithData: true,
      batching: BACKGROUND_BATCHING,
      handler: (messages) => this.handle(messages, coalescer),
    });
    await this.consumer.start();
    this.log.log({ topics: [...this.readers.keys()] }, `${this.writer.rules.entity} projection of ${this.entities.join(', ')} started`);
  }

  private async handle(
    messages: readonly ConsumedMessage[],
    coalescer: ImportCoalescer<ProjectionBatch, readonly EntityOutcome<EntityState>[]>,
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
    for (const o of derived) this.metrics.outcomes.inc({ entity: this.writer.rules.entity, outcome: o.outcome, code: o.reasons[0]?.code ?? '' });
    if (derived.length > 0) this.log.log({ from: reader.entity, changes: derived.length }, `${this.writer.rules.entity} changes derived from removed ${reader.entity} entities`);
    return { failed };
  }

  /**
   * Applies the batches of several partitions in one transaction: each partition's records from its
   * stored offset on (a redelivery changes nothing), one `applyProjection` per projected entity in
   * the order the batches came, and every partition's offset moved with them.
   */
  private async applyBatches(batches: readonly ProjectionBatch[]): Promise<(readonly EntityOutcome<EntityState>[])[]> {
    return this.writer.transaction(async (tx) => {
      const next = await this.offsets.lock(tx, batches);
      const byEntity = new Map<ProjectedEntity, ProjectedState[]>();
      for (const b of batches) {
        const from = next.get(partitionKey(b.topic, b.partition)) ?? 0n;
        const list = byEntity.get(b.entity) ?? [];
        for (const r of b.records) if (BigInt(r.offset) >= from) list.push(r);
        byEntity.set(b.entity, list);
      }
      const derived: EntityOutcome<EntityState>[] = [];
      for (const [entity, records] of byEntity) {
        if (records.length === 0) continue;
        const applied = await this.writer.applyProjection(tx, entity, records);
        derived.push(...applied.derived);
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
