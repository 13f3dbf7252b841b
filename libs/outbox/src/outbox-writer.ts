import { randomUUID } from 'node:crypto';
import { quoteIdent } from './outbox-migration';

/** One message to publish, written in the same transaction as the change it announces. */
export interface OutboxMessage {
  /** Event id (uuid); generated when absent. Sent as the `id` header. */
  readonly id?: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly topic: string;
  /** Message key; defaults to the aggregate id. */
  readonly key?: string | null;
  /** The exact Kafka value bytes (already serialized); null = tombstone. */
  readonly payload: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Anything that runs SQL inside the caller's transaction (TypeORM EntityManager/QueryRunner, pg client). */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const COLUMNS = 8;
/** Postgres allows 65,535 parameters per statement. */
const ROWS_PER_INSERT = Math.floor(65_535 / COLUMNS);

/** Appends messages to `<schema>.outbox` with chunked multi-row INSERTs, inside the caller's transaction. */
export async function appendToOutbox(tx: SqlExecutor, schema: string, messages: readonly OutboxMessage[]): Promise<void> {
  const table = `${quoteIdent(schema)}.outbox`;
  for (let i = 0; i < messages.length; i += ROWS_PER_INSERT) {
    const chunk = messages.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const rows = chunk.map((m, r) => {
      params.push(m.id ?? randomUUID(), m.aggregateType, m.aggregateId, m.type, m.topic, m.key === undefined ? m.aggregateId : m.key, m.payload, JSON.stringify(m.headers ?? {}));
      const b = r * COLUMNS;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8}::jsonb)`;
    });
    await tx.query(`INSERT INTO ${table} (id, aggregatetype, aggregateid, type, topic, key, payload, headers) VALUES ${rows.join(',')}`, params);
  }
}
