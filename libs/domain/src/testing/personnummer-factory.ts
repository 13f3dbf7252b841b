import { isValidCalendarDate } from '../calendar-date';
import type { PersonalIdentitySex } from '../personnummer';

export interface PersonnummerSpec {
  /** YYYY-MM-DD, a real date from year 1000 on. */
  readonly birthDate: string;
  /** Default FEMALE. */
  readonly sex?: PersonalIdentitySex;
  /**
   * 0–499 (default 0): which of the 500 numbers of this sex on this day. The birth number NNN is
   * `serial * 2` (+1 for MALE), so (birthDate, sex, serial) never collide.
   */
  readonly serial?: number;
  /** A samordningsnummer: day + 60. */
  readonly coordination?: boolean;
}

/**
 * A valid synthetic 12-digit personnummer (YYYYMMDDNNNC, correct Luhn digit) for tests and
 * benchmarks. Fast enough for millions of calls: plain arithmetic, no regular expressions.
 * It checks neither "not in the future" nor the earliest plausible year, so tests can build such numbers.
 * @throws RangeError on a malformed spec (a programming error in the test).
 */
export function makePersonnummer(spec: PersonnummerSpec): string {
  const { birthDate, sex = 'FEMALE', serial = 0, coordination = false } = spec;
  const year = fourDigits(birthDate, 0);
  const month = twoDigits(birthDate, 5);
  const day = twoDigits(birthDate, 8);
  if (
    birthDate.length !== 10 ||
    birthDate.charCodeAt(4) !== 45 ||
    birthDate.charCodeAt(7) !== 45 ||
    year < 1000 ||
    !isValidCalendarDate(year, month, day)
  ) {
    throw new RangeError('makePersonnummer: birthDate must be a real date written YYYY-MM-DD');
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > 499) {
    throw new RangeError('makePersonnummer: serial must be an integer from 0 to 499');
  }
  const dayField = coordination ? day + 60 : day;
  const birthNumber = serial * 2 + (sex === 'MALE' ? 1 : 0);
  const yy = year % 100;
  // Luhn over YYMMDDNNN: weights 2,1,2,1,… from the left (the digit left of the check digit is doubled).
  const sum =
    doubled(Math.floor(yy / 10)) +
    (yy % 10) +
    doubled(Math.floor(month / 10)) +
    (month % 10) +
    doubled(Math.floor(dayField / 10)) +
    (dayField % 10) +
    doubled(Math.floor(birthNumber / 100)) +
    (Math.floor(birthNumber / 10) % 10) +
    doubled(birthNumber % 10);
  const check = (10 - (sum % 10)) % 10;
  return `${year}${pad2(month)}${pad2(dayField)}${pad3(birthNumber)}${check}`;
}

/** The same number with a wrong check digit (any separators kept), for negative tests. */
export function invalidLuhn(personnummer: string): string {
  const last = personnummer.length - 1;
  const digit = personnummer.charCodeAt(last) - 48;
  if (digit < 0 || digit > 9) throw new RangeError('invalidLuhn: the number must end with its check digit');
  return personnummer.slice(0, last) + String((digit + 1) % 10);
}

function doubled(digit: number): number {
  return digit < 5 ? digit * 2 : digit * 2 - 9;
}

function digitAt(text: string, index: number): number {
  const digit = text.charCodeAt(index) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
}

function twoDigits(text: string, index: number): number {
  return digitAt(text, index) * 10 + digitAt(text, index + 1);
}

function fourDigits(text: string, index: number): number {
  return twoDigits(text, index) * 100 + twoDigits(text, index + 2);
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function pad3(value: number): string {
  return value < 10 ? `00${value}` : value < 100 ? `0${value}` : String(value);
}
