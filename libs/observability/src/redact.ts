/**
 * Personnummer and samordningsnummer (12 or 10 digits, optional - or + before the last four)
 * never reach a log line. Applied to every string a log call receives; structured fields that
 * hold one are removed by path (see LOG_REDACT_PATHS).
 */
const PERSONNUMMER = /(?<![\d])(?:(?:19|20)\d{6}|\d{6})[-+]?\d{4}(?![\d])/g;

export const REDACTED_PERSONNUMMER = '[personnummer]';

export function redactPersonnummer(text: string): string {
  return text.replace(PERSONNUMMER, REDACTED_PERSONNUMMER);
}

/** Object paths pino removes from every log record. */
export const LOG_REDACT_PATHS: readonly string[] = [
  'personalIdentityNumber',
  '*.personalIdentityNumber',
  '*.*.personalIdentityNumber',
  'payload',
  '*.payload',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];
