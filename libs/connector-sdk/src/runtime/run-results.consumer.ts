import type { Pool } from 'pg';
import { contractType, IMPORT_RESULT_CONTRACT, topicDefinitions, type ImportResult, type TopicNames } from '@stafett/contracts';
import { BACKGROUND_BATCHING, provisionTopics, type AvroSerde, type KafkaClientPort, type KafkaConsumerPort } from '@stafett/kafka';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Follows `stafett.imports.results.v1` for the connector runtime, as the imports API does for its
 * batches: each result whose batch is a RUNNING connector run (batchId = run id) is put in that
 * run's inbox (`connect.run_result`), idempotent by record id; the run takes its results from there.
 * One consumer group for every instance: whichever instance reads a result, the run that waits for
 * it finds it in the database.
 */
export class RunResultsConsumer {
  private consumer: KafkaConsumerPort | undefined;

  constructor(
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly pool: Pool,
    private readonly topics: TopicNames,
  ) {}

  async start(): Promise<void> {
    await provisionTopics(this.kafka, topicDefinitions({ prefix: this.topics.prefix }));
    const reader = contractType(IMPORT_RESULT_CONTRACT);
    this.consumer = this.kafka.consumer({
      groupId: `${this.topics.prefix}stafett.connect.results`,
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
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
  }

  /**
   * Results of other batches (imports API, producers of their own) are most of what passes here, and
   * are skipped in node: one small query for the runs in progress, and an insert only for theirs.
   */
  async store(results: readonly ImportResult[]): Promise<void> {
    const candidates = results.filter((r) => UUID.test(r.recordId) && UUID.test(r.batchId));
    if (candidates.length === 0) return;
    const running = new Set((await this.pool.query<{ id: string }>(`SELECT id FROM connect.run WHERE status = 'RUNNING'`)).rows.map((r) => r.id));
    const rows = candidates.filter((r) => running.has(r.batchId.toLowerCase()));
    if (rows.length === 0) return;
    await this.pool.query(
      `INSERT INTO connect.run_result (record_id, run_id, outcome, reasons)
       SELECT x.record_id, x.run_id, x.outcome, x.reasons
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[]) AS x(record_id, run_id, outcome, reasons)
       JOIN connect.run r ON r.id = x.run_id AND r.status = 'RUNNING'
       ON CONFLICT (record_id) DO NOTHING`,
      [
        rows.map((r) => r.recordId),
        rows.map((r) => r.batchId),
        rows.map((r) => r.outcome),
        rows.map((r) => JSON.stringify((r.reasons ?? []).map((x) => ({ code: x.code, field: x.field ?? null, message: x.message })))),
      ],
    );
  }
}
