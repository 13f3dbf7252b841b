import { Logger } from '@nestjs/common';
import { crashAt, type StafettConfig } from '@stafett/config';
import { entityTopicDefinitions, IMPORT_SCOPE_HEADER, topicDefinitions } from '@stafett/contracts';
import { isTransient, provisionTopics, RetryingStart, TransientError, type AvroSerde, type KafkaClientPort, type KafkaConsumerPort } from '@stafett/kafka';
import { DeadLetterResults } from './dead-letter-results';
import type { PipelineMetrics } from '../metrics/pipeline-metrics';
import type { EntityState } from '../domain/entity-rules.port';
import type { EntityWriter, ImportApplied, ImportRecordOf, PartitionBatch } from '../write/entity-writer';
import { ImportCoalescer } from './import-coalescer';

export interface ImportConsumerOptions {
  /** Consumer group; default `<prefix>stafett.<entity>-service`. */
  readonly consumerGroup?: string;
  /** Records per transaction; default 2,000. */
  readonly batchSize?: number;
  /** Partition batches handed to the coalescer at once; default 6. */
  readonly partitionsConcurrently?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function scopeOf(headers: Readonly<Record<string, Buffer | undefined>>): string | null {
  const raw = headers[IMPORT_SCOPE_HEADER]?.toString('utf8');
  if (raw === undefined) return null;
  // A header that is not an organisation id confines the record to nothing (never to everything).
  return UUID.test(raw) ? raw.toLowerCase() : '00000000-0000-0000-0000-000000000000';
}

/** Postgres unique_violation: two transactions created the same entity at once; the retry matches it. */
const UNIQUE_VIOLATION = '23505';

/**
 * Consumes `stafett.<entity>.imports.v1`: decodes each partition's batch (undecodable records go to
 * the DLQ first), applies the rest through the entity's writer in one transaction that also moves
 * the partition's stored offset, then commits the Kafka offsets. Redelivered records are skipped by
 * offset; transient errors retry the batch with backoff; a batch that fails permanently is retried
 * record by record so only the poison record reaches the DLQ.
 */
export class EntityImportConsumer<S extends EntityState, P> {
  private readonly log: Logger;
  private consumer: KafkaConsumerPort | undefined;
  private readonly start: RetryingStart;
  private readonly deadLetterResults: DeadLetterResults;

  constructor(
    private readonly writer: EntityWriter<S, P, unknown, unknown>,
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly config: StafettConfig,
    private readonly metrics: PipelineMetrics,
    private readonly options: ImportConsumerOptions = {},
  ) {
    this.log = new Logger(`${writer.rules.entity}-import`);
    this.start = new RetryingStart(`${writer.rules.entity} import consumer`, { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
    metrics.watchLag(writer.rules.entity, () => this.lag());
    this.deadLetterResults = new DeadLetterResults(kafka, serde, writer.topics, writer.rules.entity);
  }

  get entity(): string {
    return this.writer.rules.entity;
  }

  get groupId(): string {
    return this.options.consumerGroup ?? `${this.writer.topics.prefix}stafett.${this.entity}-service`;
  }

  get topic(): string {
    return this.writer.topics.imports(this.entity);
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
    await this.deadLetterResults.close();
  }

  private async run(): Promise<void> {
    const prefix = this.writer.topics.prefix;
    const topics = new Map([...topicDefinitions({ prefix }), ...entityTopicDefinitions(this.entity, { prefix })].map((t) => [t.topic, t]));
    await provisionTopics(this.kafka, [...topics.values()]);
    await this.writer.ready();
    // Field ownership needs every agreement the topic holds before the first record applies (false: shutting down).
    if (!(await this.writer.agreements.whenLoaded(() => this.start.isStopping))) return;
    const reader = this.writer.rules.contracts.importRecord;
    const entity = this.entity;
    const batchSize = this.options.batchSize ?? 2_000;
    // The partitions' batches that wait together share one transaction (group commit).
    const coalescer = new ImportCoalescer<PartitionBatch<P>, ImportApplied<S>>(
      async (batches) => {
        const committed = this.metrics.importTransaction.startTimer({ entity });
        const applied = await this.writer.applyImports(batches);
        committed();
        return applied;
      },
      (b) => b.records.length,
      { concurrency: 2, maxRecords: 2 * batchSize },
    );
    /** Unique-violation retries per batch (topic, partition, first offset). */
    const clashes = new Map<string, number>();
    /** Per partition, the highest offset already in the DLQ: a retried batch does not dead-letter it again. */
    const deadLettered = new Map<string, bigint>();
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      topics: [this.topic],
      dlqTopic: this.writer.topics.dlq,
      maxBatchSize: batchSize,
      // Every partition's batch is handed over at once: the coalescer decides what shares a transaction.
      partitionsConcurrently: this.options.partitionsConcurrently ?? 6,
      // Redelivery is recognised by the offsets stored with the records (ADR 0004).
      offsetsStoredWithData: true,
      handler: async (messages, context) => {
        this.metrics.recordsIn.inc({ entity }, messages.length);
        const { decoded, failed } = await this.serde.decodeBatch<ImportRecordOf<P>>(messages, reader);
        // In the DLQ before the offset moves past them in Postgres; once, however often the batch is retried.
        const lane = `${messages[0].topic}\u0000${messages[0].partition}`;
        const sent = deadLettered.get(lane) ?? -1n;
        const fresh = failed.filter((f) => BigInt(f.message.offset) > sent);
        await context.deadLetter(fresh);
        if (fresh.length > 0) deadLettered.set(lane, BigInt(fresh[fresh.length - 1].message.offset));
        const { topic, partition } = messages[0];
        let applied;
        try {
          applied = await coalescer.submit({
            topic,
            partition,
            records: decoded.map((d) => ({ offset: d.message.offset, record: d.value, scope: scopeOf(d.message.headers) })),
            lastOffset: messages[messages.length - 1].offset,
          });
        } catch (e) {
          // Two transactions created the same entity at once: the retry matches it. A clash that
          // outlives a few retries is in the batch itself (keys swapped between entities within it):
          // it then fails for good, and the batch is applied record by record.
          const clash = `${topic}\u0000${partition}\u0000${messages[0].offset}`;
          if ((e as { code?: string }).code === UNIQUE_VIOLATION && (clashes.get(clash) ?? 0) < 3) {
            clashes.set(clash, (clashes.get(clash) ?? 0) + 1);
            throw new TransientError('CONCURRENT_CREATE', `a ${entity} was created concurrently; retrying the batch`, { cause: e });
          }
          clashes.delete(clash);
          // One record that fails for good (the processor retries a failed batch record by record): to
          // the DLQ, and a REJECTED result, so its batch is not left waiting for it.
          if (messages.length === 1 && decoded.length === 1 && !isTransient(e)) {
            await this.deadLetterResults.publish(decoded[0].value);
            return { failed: [{ message: messages[0], error: e }] };
          }
          throw e;
        }
        clashes.delete(`${topic}\u0000${partition}\u0000${messages[0].offset}`);
        crashAt(this.config, 'import.after-db-commit'); // test-only: committed in Postgres, offsets not yet
        if (applied.redelivered > 0) this.log.log({ topic, partition, records: applied.redelivered }, 'redelivered import records skipped (applied before)');
        for (const o of applied.outcomes)
          this.metrics.outcomes.inc({
            entity,
            outcome: o.outcome,
            code: o.reasons[0]?.code ?? '',
          });
      },
    });
    await this.consumer.start();
    this.log.log({ topic: this.topic }, `${entity} import consumer started`);
  }

  private async halt(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
  }

  /** Import records waiting for this consumer group (summed over partitions). */
  private async lag(): Promise<{ group: string; topic: string; lag: number }> {
    const admin = await this.kafka.admin();
    try {
      const parts = await admin.groupLag(this.groupId, [this.topic], await this.writer.storedOffsets([this.topic]));
      return {
        group: this.groupId,
        topic: this.topic,
        lag: parts.reduce((n, p) => n + p.lag, 0),
      };
    } finally {
      await admin.disconnect();
    }
  }
}
