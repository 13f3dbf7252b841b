import type { SqlExecutor } from '@stafett/outbox';

/** Runs a query and returns its rows, whatever executor (TypeORM manager or pg client) it is given. */
export async function rows<T>(tx: SqlExecutor, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await tx.query(sql, params)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
