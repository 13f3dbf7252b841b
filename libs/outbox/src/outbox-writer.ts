import { BinaryCopyRows, copyRows, writeByCopy } from '@stafett/persistence';
import { OutboxBatch } from './outbox-batch';
import type { FramedMessage } from './outbox-frame';
import { quoteIdent } from './outbox-migration';

/** Every message of one change (event, state, import result), written in the same transaction as the change. */
export interface OutboxEntry {
  /** The entity the messages announce (kept for operators reading the table). */
  readonly aggregateId: string;
  readonly messages: readonly FramedMessage[];
}

/** Anything that runs SQL inside the caller's transaction (TypeORM EntityManager/QueryRunner, pg client). */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Appends rows to `<schema>.outbox` — one per change — with one statement whatever the count: the
 * frames travel as one binary parameter (node-pg sends a Buffer as binary, no hex or array
 * escaping) and Postgres cuts it into rows by offset and length. Rows get their `seq` in order.
 */
export async function appendToOutbox(tx: SqlExecutor, schema: string, rows: OutboxBatch | readonly OutboxEntry[]): Promise<void> {
  let batch: OutboxBatch;
  if (rows instanceof OutboxBatch) batch = rows;
  else {
    batch = new OutboxBatch();
    for (const e of rows) batch.add(e.aggregateId, e.messages);
  }
  if (batch.size === 0) return;
  // A large batch by binary COPY: the frames go as they are, and Postgres takes them row by row
  // instead of copying one large bytea parameter several times (bind message, parameter, the
  // plan's constant) before cutting it into rows.
  if (writeByCopy(tx, batch.size)) {
    await copyRows(tx, `COPY ${quoteIdent(schema)}.outbox (aggregateid, messages) FROM STDIN (FORMAT binary)`, binaryCopyChunks(batch));
    return;
  }
  await tx.query(
    `INSERT INTO ${quoteIdent(schema)}.outbox (aggregateid, messages)
     SELECT a, substring($2::bytea FROM o FOR l) FROM unnest($1::text[], $3::int[], $4::int[]) AS t(a, o, l)`,
    [batch.aggregateIds, batch.bytes, batch.offsets, batch.lengths],
  );
}

/**
 * The batch as COPY's binary format: per row `aggregateid` (text) and `messages` (bytea: the frame
 * as it is, sliced from the batch's bytes without a copy of its own).
 */
export function binaryCopyChunks(batch: OutboxBatch): Buffer[] {
  const rows = new BinaryCopyRows();
  const frames = batch.bytes;
  for (let i = 0; i < batch.size; i++) {
    const start = batch.offsets[i] - 1;
    rows.row(2).text(batch.aggregateIds[i]).bytea(frames, start, start + batch.lengths[i]);
  }
  return rows.end();
}
