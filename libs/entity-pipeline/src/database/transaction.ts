import type { Pool } from 'pg';
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
