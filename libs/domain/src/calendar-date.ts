import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

/** Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a real Gregorian date; month is 1–12. */
export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** `YYYY-MM-DD` from its parts (year 1–9999). */
export function formatCalendarDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Validates a date in the contract's `YYYY-MM-DD` form (e.g. `Person.birthDate`); trims surrounding whitespace. */
export function parseCalendarDate(input: string | null | undefined): Validated<string> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'A date is required, as YYYY-MM-DD.');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return invalid(ReasonCode.INVALID_DATE, 'The date must be written as YYYY-MM-DD.');
  }
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (!isValidCalendarDate(year, month, day)) {
    return invalid(ReasonCode.INVALID_DATE, 'The date does not exist in the calendar; expected a real date as YYYY-MM-DD.');
  }
  return valid(text);
}

const swedishCalendarDate = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** The calendar date (`YYYY-MM-DD`) in Sweden at `instant`: a person born today in Sweden is not born in the future. */
export function calendarDateInSweden(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('calendarDateInSweden needs a valid Date');
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of swedishCalendarDate.formatToParts(instant)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return formatCalendarDate(year, month, day);
}

/** The Swedish date changes only on a whole minute, so bulk imports need not format a date per record. */
let cachedMinute = Number.NaN;
let cachedDate = '';

/** Today's date in Sweden (`YYYY-MM-DD`), formatted at most once a minute. */
export function currentDateInSweden(): string {
  const now = Date.now();
  const minute = Math.floor(now / 60_000);
  if (minute !== cachedMinute) {
    cachedDate = calendarDateInSweden(new Date(now));
    cachedMinute = minute;
  }
  return cachedDate;
}
