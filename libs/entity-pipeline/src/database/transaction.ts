import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under the app's TypeORM DataSource. The pipeline runs its transactions on it directly:
 * binary parameters, no ORM layer on the hot path, and no ORM logger that would print a failed
 * statement's parameters (personal data) outside our redacting logger.
 */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the DataSource is not a connected postgres DataSource');
  return pool;
}

/** Runs `work` in one transaction on one pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client has no 'error' listener: a terminated connection must fail this
  // transaction, not crash the process.
  const onError = () => (broken = true);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
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
