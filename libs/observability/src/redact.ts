/**
 * Personal data never reaches a log line or a DLQ header (DESIGN §4). Redaction works on three
 * levels, because no single regular expression can know every form a value takes:
 * - what must not be logged is not logged: request logs carry the path, never the query or the body;
 *   database errors carry their SQLSTATE, table and constraint, never the statement's parameters;
 * - structured fields that may hold personal data are removed by path (`LOG_REDACT_PATHS`), and every
 *   string in a log record passes `redactText`;
 * - error texts, which quote input, pass `redactErrorText`: the quoted or JSON value after a colon
 *   (`invalid input syntax for type uuid: "…"`, `invalid "string": {…}`) is replaced whatever it holds.
 */

/** A separator people (and URL encoders) put between the date and the last four digits. */
const SEPARATOR = String.raw`(?:[-+\s\u2010-\u2015\u2212]|%2[dDbB]|%20)?`;

/**
 * Personnummer and samordningsnummer in any spelling: 12 digits (18xx, 19xx, 20xx), 10 digits, a
 * `-`, `+`, space or dash before the last four, or those URL-encoded (`%2D`, `%2B`, `%20`).
 */
const PERSONNUMMER = new RegExp(String.raw`(?<![\d])(?:(?:18|19|20)\d{6}|\d{6})${SEPARATOR}\d{4}(?![\d])`, 'g');

/** An e-mail address, also URL-encoded (`%40`). */
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/**
 * A phone number as people write it: international (`+46 70 123 45 67`, `0046…`) or national with
 * separators (`070-123 45 67`); national without separators has 10 digits and is masked as a
 * personnummer. Not after a word character or `-`, so ids (uuid segments) stay readable.
 */
const PHONE = /(?<![\w-])(?:(?:\+|%2B|00)[1-9]\d(?:[ -]?\d){5,12}|0[1-9]\d{1,3}[- ]\d{2,3}(?:[ -]?\d{2,3}){1,3})(?![\d])/g;

export const REDACTED_PERSONNUMMER = '[personnummer]';
export const REDACTED = '[redacted]';

export function redactPersonnummer(text: string): string {
  return text.replace(PERSONNUMMER, REDACTED_PERSONNUMMER);
}

/** Personnummer, e-mail addresses and phone numbers masked in free text (log messages, paths). */
export function redactText(text: string): string {
  return redactPersonnummer(text).replace(EMAIL, '[e-mail]').replace(PHONE, '[phone]');
}

/** A quoted value after a colon: how Postgres, avsc and most drivers quote the input they refuse. */
const QUOTED_VALUE = /(:\s*)(?:"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)/g;
/** A JSON object or array after a colon: how avsc and validators print the value they refuse. */
const JSON_VALUE = /(:\s*)[[{][\s\S]*$/;
/** Postgres's `Key (column)=(value)` in unique and foreign-key violations. */
const KEY_VALUE = /(Key \([^)]*\)=\()[^)]*(\))/g;

/**
 * The text of an error that may quote its input (a driver error, a decoding error): every value in
 * a value position is replaced, whatever it is, then personal data in what is left is masked.
 * For logs and the DLQ's `stafett.dlq.error.message`.
 */
export function redactErrorText(text: string): string {
  return redactText(text.replace(KEY_VALUE, `$1${REDACTED}$2`).replace(QUOTED_VALUE, `$1"${REDACTED}"`).replace(JSON_VALUE, `$1${REDACTED}`));
}

/** `redactErrorText` of an error's stack (or message), for a log line. */
export function describeError(error: unknown, max = 2_000): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return redactErrorText(text).slice(0, max);
}

/** Every string in a log record's fields, deep, through `redactText` (errors through `redactErrorText`). */
export function redactLogFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redactErrorText(value.message), ...(value.stack ? { stack: redactErrorText(value.stack) } : {}) };
  if (Array.isArray(value)) return value.map((v) => redactLogFields(v, depth + 1));
  // Only plain records: class instances (requests, responses, buffers, dates) have serializers of their own.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactLogFields(v, depth + 1);
  return out;
}

/**
 * The path of a request URL, without the query (which may hold a personnummer or a name), with
 * what is left of personal data in the path masked.
 */
export function loggablePath(url: string | undefined): string {
  const raw = url ?? '';
  const q = raw.indexOf('?');
  return redactText(q < 0 ? raw : raw.slice(0, q));
}

/** Object paths pino removes from every log record. */
export const LOG_REDACT_PATHS: readonly string[] = [
  'personalIdentityNumber',
  '*.personalIdentityNumber',
  '*.*.personalIdentityNumber',
  'firstName',
  '*.firstName',
  'lastName',
  '*.lastName',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'payload',
  '*.payload',
  'query',
  'req.query',
  'req.body',
  'parameters',
  '*.parameters',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];
