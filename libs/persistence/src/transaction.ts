import type { Pool, PoolClient } from 'pg';

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
