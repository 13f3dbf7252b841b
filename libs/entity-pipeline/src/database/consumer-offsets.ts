import type { SqlExecutor } from '@stafett/outbox';
import { quoteIdent, rows } from './sql';

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

  /** The partition's next offset to apply (0 if none yet), row-locked until the transaction ends. */
  async lock(tx: SqlExecutor, topic: string, partition: number): Promise<bigint> {
    const select = `SELECT next_offset FROM ${this.table} WHERE topic = $1 AND partition = $2 FOR UPDATE`;
    let found = await rows<{ next_offset: string }>(tx, select, [topic, partition]);
    if (found.length === 0) {
      // First batch of this partition: create the row, then lock it (a concurrent first batch waits here).
      await tx.query(`INSERT INTO ${this.table} (topic, partition, next_offset) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`, [topic, partition]);
      found = await rows<{ next_offset: string }>(tx, select, [topic, partition]);
    }
    return BigInt(found[0].next_offset);
  }

  async advance(tx: SqlExecutor, topic: string, partition: number, next: bigint): Promise<void> {
    await tx.query(`UPDATE ${this.table} SET next_offset = GREATEST(next_offset, $3::bigint) WHERE topic = $1 AND partition = $2`, [topic, partition, next.toString()]);
  }
}
