import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import { rows } from './sql';

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
   * The partitions' next offsets to apply (0 for a partition seen the first time), row-locked until
   * the transaction ends, in (topic, partition) order so concurrent transactions never deadlock.
   */
  async lock(tx: SqlExecutor, partitions: readonly { topic: string; partition: number }[]): Promise<Map<string, bigint>> {
    const topics = partitions.map((p) => p.topic);
    const numbers = partitions.map((p) => p.partition);
    const select = `SELECT topic, partition, next_offset FROM ${this.table} WHERE (topic, partition) IN (SELECT * FROM unnest($1::text[], $2::int[])) ORDER BY topic, partition FOR UPDATE`;
    let found = await rows<{ topic: string; partition: number; next_offset: string }>(tx, select, [topics, numbers]);
    if (found.length < partitions.length) {
      // First batch of a partition: create its row, then lock it (a concurrent first batch waits here).
      await tx.query(
        `INSERT INTO ${this.table} (topic, partition, next_offset) SELECT t, p, 0 FROM unnest($1::text[], $2::int[]) AS u(t, p) ORDER BY t, p ON CONFLICT DO NOTHING`,
        [topics, numbers],
      );
      found = await rows<{ topic: string; partition: number; next_offset: string }>(tx, select, [topics, numbers]);
    }
    return new Map(found.map((r) => [partitionKey(r.topic, r.partition), BigInt(r.next_offset)]));
  }

  /** The stored next offsets of the topics' partitions (for the lag metric), without locking. */
  async read(db: SqlExecutor, topics: readonly string[]): Promise<Map<string, bigint>> {
    const found = await rows<{ topic: string; partition: number; next_offset: string }>(db, `SELECT topic, partition, next_offset FROM ${this.table} WHERE topic = ANY($1::text[])`, [topics]);
    return new Map(found.map((r) => [partitionKey(r.topic, r.partition), BigInt(r.next_offset)]));
  }

  /** Moves each partition's next offset forward (never back). */
  async advance(tx: SqlExecutor, next: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} c SET next_offset = GREATEST(c.next_offset, u.n) FROM unnest($1::text[], $2::int[], $3::bigint[]) AS u(t, p, n) WHERE c.topic = u.t AND c.partition = u.p`,
      [next.map((n) => n.topic), next.map((n) => n.partition), next.map((n) => n.offset.toString())],
    );
  }
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
