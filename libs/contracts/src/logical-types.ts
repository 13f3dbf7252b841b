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

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    const m = ISO_DATE.exec(value);
    if (!m) return undefined;
    // Date.UTC maps years 0-99 to 1900-1999: set the full year explicitly.
    const date = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3])));
    date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const ms = date.getTime();
    // Reject dates that roll over (2023-02-30).
    if (new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
    return ms / DAY_MS;
  }

  protected override _resolve(type: Type): ((v: number) => number) | undefined {
    if (type.typeName === 'int' || (type as avro.types.LogicalType).underlyingType?.typeName === 'int') return (v: number) => v;
    return undefined;
  }
}

/** Avro `timestamp-millis` (long) as a JavaScript `Date` (UTC). */
export class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(ms: number): Date {
    return new Date(ms);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
    return undefined;
  }

  protected override _resolve(type: Type): ((v: number) => number) | undefined {
    if (type.typeName === 'long' || (type as avro.types.LogicalType).underlyingType?.typeName === 'long') return (v: number) => v;
    return undefined;
  }
}

/** Pass to `Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES })` everywhere Stafett schemas are parsed. */
export const LOGICAL_TYPES = { date: DateType, 'timestamp-millis': TimestampMillisType };
