import { escapeLiteral } from 'pg';
import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import { rows } from './sql';

/** A partition a transaction applies a batch of, and the offset after the batch. */
export interface OffsetClaim {
  readonly topic: string;
  readonly partition: number;
  readonly next: bigint;
}

/**
 * The next import offset per topic partition, kept in the domain's schema and moved in the same
 * transaction that applies the records: after a crash between that commit and the Kafka offset
 * commit, or a group reset, the records below it are recognised as applied.
 */
export class ConsumerOffsets {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${quoteIdent(schema)}.consumer_offset`;
  }

  /**
   * The statement that claims a transaction's partitions: it row-locks them in (topic, partition)
   * order (concurrent transactions never deadlock, and one that held a row is waited for and its
   * offset seen), moves each next offset forward to `next` (never back) and returns each one's
   * offset from before (the records below it were applied). Literal, without parameters, so that
   * it can go with `BEGIN` in one round trip (`inTransaction`'s `begin`). A partition seen the first
   * time has no row yet and is not returned: `claimed` creates it.
   */
  claimSql(claims: readonly OffsetClaim[]): string {
    const moves = merged(claims);
    const keys = moves.map((m) => `(${escapeLiteral(m.topic)}, ${partitionLiteral(m.partition)})`).join(', ');
    const values = moves.map((m) => `(${escapeLiteral(m.topic)}, ${partitionLiteral(m.partition)}, ${offsetLiteral(m.next)}::bigint)`).join(', ');
    return `UPDATE ${this.table} AS c SET next_offset = GREATEST(c.next_offset, u.n)
  FROM (VALUES ${values}) AS u(t, p, n),
       (SELECT topic, partition, next_offset FROM ${this.table} WHERE (topic, partition) IN (VALUES ${keys}) ORDER BY topic, partition FOR UPDATE) AS o
 WHERE c.topic = u.t AND c.partition = u.p AND o.topic = u.t AND o.partition = u.p
 RETURNING c.topic, c.partition, o.next_offset AS previous`;
  }

  /**
   * The partitions' next offsets before this transaction, from the rows `claimSql` returned
   * (`found`). Partitions seen the first time get their row here (created at 0, then claimed: a
   * concurrent first batch of the same partition waits for the other's commit and sees its offset).
   */
  async claimed(tx: SqlExecutor, claims: readonly OffsetClaim[], found: readonly Record<string, unknown>[]): Promise<Map<string, bigint>> {
    const previous = new Map(found.map(claimedOffset));
    const missing = merged(claims).filter((m) => !previous.has(partitionKey(m.topic, m.partition)));
    if (missing.length === 0) return previous;
    await tx.query(
      `INSERT INTO ${this.table} (topic, partition, next_offset) SELECT t, p, 0 FROM unnest($1::text[], $2::int[]) AS u(t, p) ORDER BY t, p ON CONFLICT DO NOTHING`,
      [missing.map((m) => m.topic), missing.map((m) => m.partition)],
    );
    for (const [key, offset] of (await rows<Record<string, unknown>>(tx, this.claimSql(missing), [])).map(claimedOffset)) previous.set(key, offset);
    return previous;
  }

  /** `claimSql` and `claimed` in one call, for a transaction that did not send the claim with its `BEGIN`. */
  async claim(tx: SqlExecutor, claims: readonly OffsetClaim[]): Promise<Map<string, bigint>> {
    return this.claimed(tx, claims, await rows<Record<string, unknown>>(tx, this.claimSql(claims), []));
  }

  /** The stored next offsets of the topics' partitions (for the lag metric), without locking. */
  async read(db: SqlExecutor, topics: readonly string[]): Promise<Map<string, bigint>> {
    const found = await rows<{ topic: string; partition: number; next_offset: string }>(db, `SELECT topic, partition, next_offset FROM ${this.table} WHERE topic = ANY($1::text[])`, [topics]);
    return new Map(found.map((r) => [partitionKey(r.topic, r.partition), BigInt(r.next_offset)]));
  }
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** A row `claimSql` returned, as (partition key, offset from before). */
const claimedOffset = (r: Record<string, unknown>): [string, bigint] => [partitionKey(String(r.topic), Number(r.partition)), BigInt(String(r.previous))];

/** One claim per partition (the furthest), in (topic, partition) order. */
function merged(claims: readonly OffsetClaim[]): OffsetClaim[] {
  const by = new Map<string, OffsetClaim>();
  for (const c of claims) {
    const key = partitionKey(c.topic, c.partition);
    const seen = by.get(key);
    if (!seen || c.next > seen.next) by.set(key, c);
  }
  return [...by.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

function partitionLiteral(partition: number): string {
  if (!Number.isSafeInteger(partition) || partition < 0) throw new Error(`not a partition number: ${partition}`);
  return String(partition);
}

function offsetLiteral(offset: bigint): string {
  if (offset < 0n) throw new Error(`not an offset: ${offset}`);
  return offset.toString();
}
