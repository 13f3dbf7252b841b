import avro, { type Type } from 'avsc';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Avro `date` (int, days since 1970-01-01) as an ISO calendar date string `YYYY-MM-DD`: no time
 * zone can shift a birth date.
 */
export class DateType extends avro.types.LogicalType {
  protected override _fromValue(days: number): string {
    return new Date(days * DAY_MS).toISOString().slice(0, 10);
  }

  /** Integer arithmetic (every change event encodes dates twice: no Date objects on that path). */
  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    const m = ISO_DATE.exec(value);
    if (!m) return undefined;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    // Reject dates that do not exist (2023-02-30, month 13).
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    return daysFromCivil(year, month, day);
  }

  protected override _resolve(type: Type): ((v: number) => number) | undefined {
    if (type.typeName === 'int' || (type as avro.types.LogicalType).underlyingType?.typeName === 'int') return (v: number) => v;
    return undefined;
  }
}

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number): number => (m === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[m - 1]);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** An ISO 8601 instant with its zone (`Z` or an offset); no local times, which would guess a zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Avro `timestamp-millis` (long) as a JavaScript `Date` (UTC); encodes a Date or an ISO 8601 instant with a zone. */
export class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(ms: number): Date {
    return new Date(ms);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
    // JSON (POST /v1/imports) carries instants as ISO 8601 text with a zone: accepted as such.
    if (typeof value === 'string' && ISO_INSTANT.test(value)) {
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? undefined : ms;
    }
    return undefined;
  }

  protected override _resolve(type: Type): ((v: number) => number) | undefined {
    if (type.typeName === 'long' || (type as avro.types.LogicalType).underlyingType?.typeName === 'long') return (v: number) => v;
    return undefined;
  }
}

/** Pass to `Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES })` everywhere Stafett schemas are parsed. */
export const LOGICAL_TYPES = { date: DateType, 'timestamp-millis': TimestampMillisType };
