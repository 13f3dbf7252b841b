import { Logger as NestLogger } from '@nestjs/common';
import type { Logger, QueryRunner } from 'typeorm';
import { redactErrorText, redactText } from '@stafett/observability';

/** What a pg error says about itself without quoting data: its SQLSTATE and the objects involved. */
interface PgErrorFields {
  readonly code?: unknown;
  readonly table?: unknown;
  readonly constraint?: unknown;
  readonly column?: unknown;
  readonly routine?: unknown;
}

/** `INSERT INTO person.person` of a statement: its verb and first object, never its parameters or literals. */
export function statementKind(query: string): string {
  const match = /^\s*(WITH|SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE|ALTER|DROP|COMMENT|TRUNCATE|START|COMMIT|ROLLBACK|BEGIN)\b\s*("?[\w.]+"?(?:\."?[\w]+"?)?)?/i.exec(query);
  if (!match) return 'statement';
  return [match[1].replace(/\s+/g, ' ').toUpperCase(), match[2] ?? ''].join(' ').trim();
}

/** The fields of a failed statement that may be logged. */
export function describeQueryError(error: string | Error, query: string): Record<string, unknown> {
  const e = (typeof error === 'string' ? {} : error) as PgErrorFields & Partial<Error>;
  const text = typeof error === 'string' ? error : (error.message ?? '');
  const fields: Record<string, unknown> = { statement: statementKind(query), error: redactErrorText(text) };
  for (const key of ['code', 'table', 'constraint', 'column', 'routine'] as const) {
    if (typeof e[key] === 'string') fields[key] = e[key];
  }
  return fields;
}

/**
 * TypeORM's logger for every Stafett DataSource: through the app's JSON logger (Nest → pino), and
 * never a statement's parameters. TypeORM's own loggers print a failed statement with its
 * parameters (`query failed: INSERT … -- PARAMETERS: [personnummer, name, …]`); this one logs the
 * statement's kind, the SQLSTATE, table and constraint, and the driver's message with every
 * quoted value replaced. Successful queries are not logged at all.
 */
export class StafettTypeOrmLogger implements Logger {
  private readonly out = new NestLogger('typeorm');

  logQuery(): void {
    // Never: a statement's parameters are personal data.
  }

  /** Debug only: the error reaches the caller, which answers it (a 409) or logs it (a 500, redacted). */
  logQueryError(error: string | Error, query: string, _parameters?: unknown, _queryRunner?: QueryRunner): void {
    this.out.debug({ ...describeQueryError(error, query), msg: 'query failed' });
  }

  logQuerySlow(time: number, query: string): void {
    this.out.warn({ statement: statementKind(query), ms: time, msg: 'slow query' });
  }

  logSchemaBuild(message: string): void {
    this.out.debug(redactText(message));
  }

  logMigration(message: string): void {
    this.out.log(redactText(message));
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = redactErrorText(typeof message === 'string' ? message : String(message));
    if (level === 'warn') this.out.warn(text);
    else this.out.log(text);
  }
}
