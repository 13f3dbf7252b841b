import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { contractType, entityContracts, topicDefinitions, type EntityName, type Organisation } from '@stafett/contracts';
import { ConsumerOffsets, ImportCoalescer, partitionKey } from '@stafett/entity-pipeline';
import {
  AvroSerde,
  BACKGROUND_BATCHING,
  KAFKA_CLIENT,
  PermanentError,
  provisionTopics,
  RetryingStart,
  type BatchContext,
  type ConsumedMessage,
  type FailedMessage,
  type KafkaClientPort,
  type KafkaConsumerPort,
} from '@stafett/kafka';
import { inTransaction } from '@stafett/persistence';
import { CHANGES_SETTINGS, type ChangesSettings } from '../changes-options';
import { ChangeLogStore } from '../database/change-log.store';
import { CHANGES_POOL } from '../database/changes-pool';
import { changeLogReader, type AnyChanged, type ConsumedChange } from '../domain/change-row';
import { ChangesMetrics } from '../metrics/changes-metrics';

/** One partition's decoded events on their way into a shared transaction. */
interface EventsBatch {
  readonly topic: string;
  readonly partition: number;
  readonly decoded: readonly { message: ConsumedMessage; value: AnyChanged }[];
  readonly lastMessage: ConsumedMessage;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Consumes `stafett.<entity>.events.v1` of the configured entities and appends each event to
 * `changes.change` (as the bytes the topic carried; decoded for its columns and checks), the batches of the partitions that wait together in one transaction that also moves their offsets
 * in `changes.consumer_offset`: a redelivered event (a crash before the Kafka commit, a group reset)
 * is recognised by its offset and never appended twice. Undecodable events go to the DLQ first.
 * Also projects `stafett.organisation.state.v1` into `changes.organisation_edge` (the subtrees of
 * organisation-scoped keys), the same way.
 */
@Injectable()
export class ChangeLogConsumer {
  private readonly log = new Logger('changes');
  private readonly start: RetryingStart;
  private readonly offsets = new ConsumerOffsets('changes');
  private readonly entityOfTopic: ReadonlyMap<string, EntityName>;
  private consumer: KafkaConsumerPort | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    @Inject(CHANGES_POOL) private readonly pool: Pool,
    private readonly store: ChangeLogStore,
    @Inject(CHANGES_SETTINGS) private readonly settings: ChangesSettings,
    private readonly metrics: ChangesMetrics,
  ) {
    this.start = new RetryingStart('change log consumer', { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
    this.entityOfTopic = new Map(settings.entities.map((e) => [settings.topics.events(e), e]));
    metrics.watchLag(() => this.lag());
  }

  /** The consumer group's lag on the events topics, per partition. */
  private async lag(): Promise<{ topic: string; lag: number }[]> {
    const admin = await this.kafka.admin();
    try {
      const topics = [...this.entityOfTopic.keys()];
      return await admin.groupLag(this.settings.consumerGroup, topics, await this.offsets.read(this.pool, topics));
    } finally {
      await admin.disconnect();
    }
  }

  /** The organisation state topic: the organisation tree of scoped keys is projected from it. */
  get organisationStateTopic(): string {
    return this.settings.topics.state('organisation');
  }

  get topics(): string[] {
    return [...this.entityOfTopic.keys(), this.organisationStateTopic];
  }

  /** Starts in the background, retrying while Kafka or the registry is away. */
  begin(): void {
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
    await provisionTopics(this.kafka, topicDefinitions({ prefix: this.settings.topics.prefix }));
    /** Per partition, the highest offset already in the DLQ: a retried batch does not dead-letter it again. */
    const deadLettered = new Map<string, bigint>();
    // The events of the partitions' batches that wait together are appended in one transaction
    // (group commit): the change log pays its statements per fetch, not per partition.
    const coalescer = new ImportCoalescer<EventsBatch, { appended: number; erasures: number; redelivered: number }>(
      (batches) => this.appendBatches(batches),
      (b) => b.decoded.length,
      { concurrency: 1, maxRecords: 8_000 },
    );
    this.consumer = this.kafka.consumer({
      groupId: this.settings.consumerGroup,
      topics: this.topics,
      dlqTopic: this.settings.topics.dlq,
      maxBatchSize: 2_000,
      partitionsConcurrently: 6 * this.topics.length,
      // Redelivery is recognised by the offsets stored with the change log.
      offsetsStoredWithData: true,
      batching: BACKGROUND_BATCHING,
      handler: async (messages, context) => {
        const { topic, partition } = messages[0];
        if (topic === this.organisationStateTopic) {
          const { decoded, failed } = await this.decodeStates(messages);
          await this.deadLetterOnce(deadLettered, topic, partition, failed, context);
          await this.projectBatch(topic, partition, decoded, messages[messages.length - 1]);
          return;
        }
        const entity = this.entityOfTopic.get(topic);
        if (!entity) throw new PermanentError('UNKNOWN_TOPIC', `not an events topic of the change log: ${topic}`);
        const { decoded, failed } = await this.serde.decodeBatch<AnyChanged>(messages, changeLogReader(entity));
        const usable = decoded.filter((d) => UUID.test(d.value.entityId));
        const refused: FailedMessage[] = [
          ...failed,
          ...decoded.filter((d) => !UUID.test(d.value.entityId)).map((d) => ({ message: d.message, error: new PermanentError('INVALID_ENTITY_ID', 'entityId is not a uuid') })),
        ];
        await this.deadLetterOnce(deadLettered, topic, partition, refused, context);
        const appended = await coalescer.submit({ topic, partition, decoded: usable, lastMessage: messages[messages.length - 1] });
        this.metrics.appended.inc({ entity }, appended.appended);
        if (appended.erasures > 0) this.metrics.erased.inc({ entity }, appended.erasures);
        if (appended.redelivered > 0) this.log.log({ topic, partition, events: appended.redelivered }, 'redelivered events skipped (appended before)');
      },
    });
    await this.consumer.start();
    this.log.log({ topics: this.topics }, 'change log consumer started');
  }

  /** In the DLQ before the offset moves past them in Postgres; once, however often the batch is retried. */
  private async deadLetterOnce(deadLettered: Map<string, bigint>, topic: string, partition: number, refused: readonly FailedMessage[], context: BatchContext): Promise<void> {
    const lane = partitionKey(topic, partition);
    const fresh = refused.filter((f) => BigInt(f.message.offset) > (deadLettered.get(lane) ?? -1n)).sort((a, b) => Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
    if (fresh.length === 0) return;
    await context.deadLetter(fresh);
    deadLettered.set(lane, BigInt(fresh[fresh.length - 1].message.offset));
  }

  /** Organisation states (null: a tombstone) by message; the key is the organisation's id. */
  private async decodeStates(
    messages: readonly ConsumedMessage[],
  ): Promise<{ decoded: { message: ConsumedMessage; id: string; value: Organisation | null }[]; failed: FailedMessage[] }> {
    const keyed = messages.map((message) => ({ message, id: message.key?.toString('utf8') ?? '' }));
    const unkeyed = keyed
      .filter((k) => !UUID.test(k.id))
      .map((k) => ({ message: k.message, error: new PermanentError('INVALID_KEY', 'the key of an organisation state is not a uuid') }));
    const valid = keyed.filter((k) => UUID.test(k.id));
    const withValue = valid.filter((k) => k.message.value !== null);
    const { decoded, failed } = await this.serde.decodeBatch<Organisation>(
      withValue.map((k) => k.message),
      contractType(entityContracts('organisation').state),
    );
    const values = new Map(decoded.map((d) => [d.message, d.value]));
    const out = valid.flatMap((k): { message: ConsumedMessage; id: string; value: Organisation | null }[] => {
      if (k.message.value === null) return [{ message: k.message, id: k.id.toLowerCase(), value: null }];
      const value = values.get(k.message);
      return value ? [{ message: k.message, id: k.id.toLowerCase(), value }] : [];
    });
    return { decoded: out, failed: [...unkeyed, ...failed] };
  }

  /** One transaction: the organisation states above the partition's stored offset move the tree, and the offset moves past the batch. */
  async projectBatch(
    topic: string,
    partition: number,
    decoded: readonly { message: ConsumedMessage; id: string; value: Organisation | null }[],
    lastMessage: ConsumedMessage,
  ): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const next = (await this.offsets.lock(tx, [{ topic, partition }])).get(partitionKey(topic, partition)) ?? 0n;
      const latest = new Map<string, Organisation | null>();
      for (const d of decoded) if (BigInt(d.message.offset) >= next) latest.set(d.id, d.value);
      await this.store.projectOrganisations(tx, latest);
      await this.offsets.advance(tx, [{ topic, partition, offset: BigInt(lastMessage.offset) + 1n }]);
    });
  }

  /** One transaction: the events above the partition's stored offset are appended, and the offset moves past the batch. */
  async appendBatch(
    topic: string,
    partition: number,
    decoded: readonly { message: ConsumedMessage; value: AnyChanged }[],
    lastMessage: ConsumedMessage,
  ): Promise<{ appended: number; erasures: number; redelivered: number }> {
    const [result] = await this.appendBatches([{ topic, partition, decoded, lastMessage }]);
    return result;
  }

  /**
   * One transaction for the batches of several partitions: each one's events above its stored
   * offset are appended in the order the batches came, and every partition's offset moves past its batch.
   */
  async appendBatches(batches: readonly EventsBatch[]): Promise<{ appended: number; erasures: number; redelivered: number }[]> {
    return inTransaction(this.pool, async (tx) => {
      await this.store.lockAppends(tx);
      const next = await this.offsets.lock(tx, batches);
      // One append per entity for all the batches (in the order they came): a statement per
      // transaction, not per partition batch.
      const byEntity = new Map<EntityName, { first: number; events: ConsumedChange[] }>();
      const results: { appended: number; erasures: number; redelivered: number }[] = [];
      batches.forEach((b, i) => {
        const from = next.get(partitionKey(b.topic, b.partition)) ?? 0n;
        const fresh = b.decoded.filter((d) => BigInt(d.message.offset) >= from);
        const entity = this.entityOfTopic.get(b.topic)!;
        const group = byEntity.get(entity) ?? { first: i, events: [] };
        // Kept as the bytes the topic carried (a decoded value always had a value).
        for (const d of fresh) group.events.push({ value: d.value, avro: d.message.value! });
        byEntity.set(entity, group);
        results.push({ appended: 0, erasures: 0, redelivered: b.decoded.length - fresh.length });
      });
      // An entity's counts are reported with its first batch (the metrics count per entity).
      for (const [entity, { first, events }] of byEntity) {
        const { appended, erasures } = await this.store.append(tx, entity, events);
        results[first] = { ...results[first], appended, erasures };
      }
      await this.offsets.advance(
        tx,
        batches.map((b) => ({ topic: b.topic, partition: b.partition, offset: BigInt(b.lastMessage.offset) + 1n })),
      );
      return results;
    });
  }

  private async halt(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
  }
}
