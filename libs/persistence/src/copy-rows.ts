import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * From this many rows on, the bulk writes of the import path go by COPY; a smaller batch (the REST
 * path, a quiet import) keeps its single INSERT, which saves COPY's extra round trip where latency
 * matters.
 */
export const COPY_FROM_ROWS = 64;

/** Bytes of COPY text per CopyData message: small enough that the backend never holds a large buffer. */
const CHUNK_CHARS = 32 * 1024;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One value in COPY's text format: null (and undefined) is `\N`; a backslash, tab, newline or
 * carriage return is escaped, so a value can never end its column or its row early. A NUL cannot
 * be sent (Postgres text cannot hold it): COPY rejects the row, as an INSERT would.
 */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const s = typeof value === 'string' ? value : String(value);
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/** One row of COPY text: the values in column order, escaped, tab-separated, ending in a newline. */
export function copyLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyValue(values[i]);
  return line + '\n';
}

/**
 * Writes rows with `COPY … FROM STDIN` on the transaction's pg client: `chunks` are COPY text lines
 * (joined into CopyData messages of ~32 KB) or, for `FORMAT binary`, ready Buffers (sent as they
 * are; keep them small). Postgres parses and inserts COPY rows one at a time in a per-row memory
 * context, where `INSERT … SELECT` over a large parameter first copies it (the bind message, the
 * parameter, the plan's constant) and materialises every row. On this project's 2-core VM each of
 * those large allocations costs page faults every time the backend maps it again: a person row
 * took 11–12 µs of Postgres CPU by COPY against 29–34 µs from a JSON parameter. COPY fails like
 * an INSERT (a constraint or a bad value rejects the whole statement and aborts the transaction).
 * `sql` is the `COPY table (columns) FROM STDIN …` statement.
 */
export async function copyRows(tx: unknown, sql: string, chunks: Iterable<string | Buffer>): Promise<void> {
  if (!(tx instanceof Client)) throw new TypeError('copyRows needs the transaction’s pg client (COPY is not available through this executor)');
  await new Promise<void>((resolve, reject) => {
    const stream = tx.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', resolve);
    let text = '';
    const flushText = () => {
      if (text.length > 0) stream.write(text);
      text = '';
    };
    try {
      for (const chunk of chunks) {
        if (typeof chunk !== 'string') {
          flushText();
          stream.write(chunk);
        } else if ((text += chunk).length >= CHUNK_CHARS) flushText();
      }
      flushText();
      stream.end();
    } catch (e) {
      // The rows could not be built: abandon the COPY (CopyFail) so the connection can roll back,
      // with a fixed message (it reaches Postgres's log; the error itself may name a value).
      stream.destroy(new Error('copyRows: the rows could not be built; COPY abandoned'));
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/**
 * Whether a bulk write of `rows` rows goes by COPY: a batch of COPY_FROM_ROWS or more, through an
 * executor that can COPY (a pg client, not a pool or a TypeORM manager).
 */
export function writeByCopy(tx: unknown, rows: number): boolean {
  return rows >= COPY_FROM_ROWS && tx instanceof Client;
}
