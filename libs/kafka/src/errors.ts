/**
 * Errors carry whether retrying can help (like kafkajs's `retriable`): transient errors are
 * retried with backoff and never dead-lettered; permanent ones go to the DLQ.
 */
export class StafettKafkaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth retrying: the broker, the registry or the database is briefly away. */
export class TransientError extends StafettKafkaError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

/** Retrying cannot help: the message itself is bad (undecodable, invalid, incompatible). */
export class PermanentError extends StafettKafkaError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether an error is worth retrying. Ours say so; kafkajs errors carry `retriable`; Postgres
 * SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown) and serialization/deadlock
 * failures are transient; node network errors are transient. Everything else is permanent.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { retriable?: unknown; code?: unknown; cause?: unknown };
  if (typeof e.retriable === 'boolean') return e.retriable;
  if (typeof e.code === 'string') {
    if (TRANSIENT_NODE_CODES.has(e.code)) return true;
    if (/^(08|53)/.test(e.code) || e.code.startsWith('57P') || e.code === '40001' || e.code === '40P01') return true;
  }
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== error ? isTransient(e.cause) : false;
}

/** A stable code for an error, for DLQ headers and metrics. */
export function errorCode(error: unknown): string {
  if (error instanceof StafettKafkaError) return error.code;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'UNKNOWN';
}
