import type { DataSourceOptions } from 'typeorm';
import { guardClientErrors } from './client-guard';
import { StafettTypeOrmLogger } from './typeorm-logger';

export interface StafettDataSourceInput {
  readonly databaseUrl: string;
  readonly entities?: DataSourceOptions['entities'];
  readonly migrations?: DataSourceOptions['migrations'];
  readonly applicationName?: string;
  readonly poolSize?: number;
}

/**
 * The one way Stafett configures TypeORM: migrations only (never `synchronize`), explicit
 * entity and migration classes (no globs, so the compiled app and the tests agree), and a logger
 * that never prints a statement's parameters.
 */
export function stafettDataSourceOptions(input: StafettDataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.databaseUrl,
    entities: input.entities ?? [],
    migrations: input.migrations ?? [],
    migrationsTableName: 'stafett_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    // Never TypeORM's own loggers: they print a failed statement's parameters (personal data).
    logger: new StafettTypeOrmLogger(),
    applicationName: input.applicationName ?? 'stafett',
    // onConnect: a connection error between pg-pool's checkout and TypeORM's listener must not end the process.
    extra: { max: input.poolSize ?? 10, connectionTimeoutMillis: 5_000, onConnect: guardClientErrors },
  };
}
