import type { DataSource } from 'typeorm';

/** Readiness of Postgres: a round trip on the service's own pool. */
export async function checkPostgres(dataSource: DataSource): Promise<Record<string, unknown>> {
  const rows: { version: string }[] = await dataSource.query('SHOW server_version');
  return { version: rows[0]?.version };
}
