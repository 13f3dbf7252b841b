import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { contractType, IMPORT_RESULT_CONTRACT, topicDefinitions, type ImportResult, type TopicNames } from '@stafett/contracts';
import { AvroSerde, BACKGROUND_BATCHING, KAFKA_CLIENT, provisionTopics, RetryingStart, type KafkaClientPort, type KafkaConsumerPort } from '@stafett/kafka';
import { IMPORTS_TOPICS } from './import-topics';
import { IMPORTS_OPTIONS, type ImportsModuleOptions } from './imports-options';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Keeps the results of the batches of `POST /v1/imports`: consumes `stafett.imports.results.v1`
 * and upserts each result by record id (idempotent under redelivery), only for batches in
 * `imports.batch` — results of records produced straight to Kafka are not this API's to keep.
 */
@Injectable()
export class ImportResultsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('imports');
  private readonly start: RetryingStart;
  private consumer: KafkaConsumerPort | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(IMPORTS_TOPICS) private readonly topics: TopicNames,
    @Inject(IMPORTS_OPTIONS) private readonly options: ImportsModuleOptions,
  ) {
    this.start = new RetryingStart('import results consumer', { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
  }

  onApplicationBootstrap(): void {
    this.start.begin(() => this.startConsumer(), () => this.stopConsumer());
  }

  private async startConsumer(): Promise<void> {
    await provisionTopics(this.kafka, topicDefinitions({ prefix: this.topics.prefix }));
    const reader = contractType(IMPORT_RESULT_CONTRACT);
    this.consumer = this.kafka.consumer({
      groupId: this.options.consumerGroup ?? `${this.topics.prefix}stafett.imports-api`,
      topics: [this.topics.importResults],
      dlqTopic: this.topics.dlq,
      batching: BACKGROUND_BATCHING,
      handler: async (messages) => {
        const { decoded, failed } = await this.serde.decodeBatch<ImportResult>(messages, reader);
        await this.store(decoded.map((d) => d.value));
        return { failed };
      },
    });
    await this.consumer.start();
    this.log.log({ topic: this.topics.importResults }, 'import results consumer started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.start.stop();
    await this.stopConsumer();
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
  }

  /**
   * One statement per consumed batch; a record id seen twice keeps its last result. Most results
   * on the topic belong to batches of other producers (connectors, Kafka producers): they are left
   * out in node after one small query for the batches this API knows. Sending them to be dropped by
   * the statement's `EXISTS` cost ~5 µs per record (3 in node building the arrays, 2 in Postgres
   * parsing them). A batch's row is committed before its records are produced, so one unknown here
   * stays unknown; the `EXISTS` stays for a batch deleted in between.
   */
  async store(results: readonly ImportResult[]): Promise<void> {
    const byRecord = new Map<string, ImportResult>();
    for (const r of results) if (UUID.test(r.recordId) && UUID.test(r.batchId)) byRecord.set(r.recordId.toLowerCase(), r);
    if (byRecord.size === 0) return;
    const batchIds = [...new Set([...byRecord.values()].map((r) => r.batchId.toLowerCase()))];
    const known = new Set(
      (await this.dataSource.query<{ id: string }[]>(`SELECT id::text AS id FROM imports.batch WHERE id = ANY($1::uuid[])`, [batchIds])).map((b) => b.id),
    );
    const rows = [...byRecord.values()].filter((r) => known.has(r.batchId.toLowerCase()));
    if (rows.length === 0) return;
    const col = <T>(f: (r: ImportResult) => T) => rows.map(f);
    await this.dataSource.query(
      `INSERT INTO imports.result (record_id, batch_id, entity_type, external_id, outcome, entity_id, version, reasons)
       SELECT r.* FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::jsonb[])
         AS r(record_id, batch_id, entity_type, external_id, outcome, entity_id, version, reasons)
       WHERE EXISTS (SELECT 1 FROM imports.batch b WHERE b.id = r.batch_id)
       ON CONFLICT (record_id) DO UPDATE SET
         outcome = EXCLUDED.outcome, entity_id = EXCLUDED.entity_id, version = EXCLUDED.version, reasons = EXCLUDED.reasons`,
      [
        col((r) => r.recordId),
        col((r) => r.batchId),
        col((r) => r.entityType),
        col((r) => r.externalId),
        col((r) => r.outcome),
        col((r) => r.entityId ?? null),
        col((r) => r.version ?? null),
        col((r) => JSON.stringify((r.reasons ?? []).map((x) => ({ code: x.code, field: x.field ?? null, message: x.message })))),
      ],
    );
  }
}
