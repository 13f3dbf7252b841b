import { encodeFrame, type FramedMessage } from './outbox-frame';
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
 * Appends entries to `<schema>.outbox`, one row per entry, with one statement whatever the count:
 * the frames travel as one binary parameter (node-pg sends a Buffer as binary, no hex or array
 * escaping) and Postgres cuts it into rows by offset and length. Rows get their `seq` in entry order.
 */
export async function appendToOutbox(tx: SqlExecutor, schema: string, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const frames = entries.map((e) => encodeFrame(e.messages));
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1; // substring() counts from 1
  for (const f of frames) {
    offsets.push(at);
    lengths.push(f.length);
    at += f.length;
  }
  await tx.query(
    `INSERT INTO ${quoteIdent(schema)}.outbox (aggregateid, messages)
     SELECT a, substring($2::bytea FROM o FOR l) FROM unnest($1::text[], $3::int[], $4::int[]) AS t(a, o, l)`,
    [entries.map((e) => e.aggregateId), Buffer.concat(frames, at - 1), offsets, lengths],
  );
}
