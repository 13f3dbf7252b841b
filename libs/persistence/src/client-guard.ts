import type { ClientBase } from 'pg';

/**
 * Keeps a connection error of a pg client from ending the process: every pool's `onConnect` and
 * every standalone client call this once, before the client is used.
 *
 * pg-pool listens for errors on an idle client only; it takes that listener off when it hands the
 * client out, and the new owner adds its own a microtask later. Postgres's FATAL (a restart's
 * 57P01, `pg_terminate_backend`) read from the same socket chunk as the message that completed the
 * checkout (the connection's or the last query's ReadyForQuery) is emitted in between, with no
 * listener, and an 'error' event without a listener is an uncaught exception. This listener stays
 * for the client's life and does nothing else: the owner still learns of the error, since its next
 * query fails ("not queryable"), and the pool drops a client released in that state.
 */
export function guardClientErrors(client: ClientBase): void {
  client.on('error', ignoreClientError);
}

function ignoreClientError(): void {
  // Reported where it matters: the owner's next query, or the pool's own 'error' event.
}
