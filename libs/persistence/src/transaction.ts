import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under the app's TypeORM DataSource. Plain-SQL code (the entity pipeline, the connector runtime) runs on it directly:
 * binary parameters, no ORM layer on the hot path, and no ORM logger that would print a failed
 * statement's parameters (personal data) outside our redacting logger.
 */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the DataSource is not a connected postgres DataSource');
  return pool;
}

/**
 * Runs `work` in one transaction on one pooled connection and rolls back on any error. `begin`
 * may add settings local to the transaction (e.g. `SET LOCAL synchronous_commit TO off`).
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client has no 'error' listener: Postgres terminating the connection (a restart)
  // must fail this transaction, not crash the process.
  const onError = () => (broken = true);
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
