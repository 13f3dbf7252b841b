import { copyRows, writeByCopy } from '@stafett/persistence';
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

const COPY_CHUNK_BYTES = 32 * 1024;
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The batch as COPY's binary format (a signature, flags and header extension length; per row the
 * field count, then each field's length and bytes; -1 as the trailer), in buffers of ~32 KB. The
 * columns are `aggregateid` (text: its UTF-8 bytes) and `messages` (bytea: the frame as it is).
 */
export function* binaryCopyChunks(batch: OutboxBatch): Generator<Buffer> {
  const frames = batch.bytes;
  let chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  COPY_SIGNATURE.copy(chunk, 0);
  let pos = chunk.writeInt32BE(0, chunk.writeInt32BE(0, COPY_SIGNATURE.length));
  for (let i = 0; i < batch.size; i++) {
    const id = batch.aggregateIds[i];
    const idBytes = Buffer.byteLength(id, 'utf8');
    const frameStart = batch.offsets[i] - 1;
    const frameLength = batch.lengths[i];
    const row = 2 + 4 + idBytes + 4 + frameLength;
    if (pos + row > chunk.length) {
      yield chunk.subarray(0, pos);
      chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, row + 2));
      pos = 0;
    }
    pos = chunk.writeInt16BE(2, pos);
    pos = chunk.writeInt32BE(idBytes, pos);
    pos += chunk.write(id, pos, idBytes, 'utf8');
    pos = chunk.writeInt32BE(frameLength, pos);
    pos += frames.copy(chunk, pos, frameStart, frameStart + frameLength);
  }
  if (pos + 2 > chunk.length) {
    yield chunk.subarray(0, pos);
    chunk = Buffer.allocUnsafe(2);
    pos = 0;
  }
  pos = chunk.writeInt16BE(-1, pos);
  yield chunk.subarray(0, pos);
}
