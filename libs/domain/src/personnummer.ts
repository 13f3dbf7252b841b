import { isAsciiDigits } from './ascii-digits';
import { calendarDateInSweden, currentDateInSweden, formatCalendarDate, isValidCalendarDate, parseCalendarDate } from './calendar-date';
import { luhnValid } from './luhn';
import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

/*
 * Personnummer and samordningsnummer (DESIGN §3). Every message here is written so that it can
 * never contain the number itself: results, DLQ headers and logs must stay free of it.
 */

export type PersonalIdentitySex = 'FEMALE' | 'MALE';

export interface PersonalIdentity {
  /** 12 digits, YYYYMMDDNNNC (for a samordningsnummer DD is the day + 60). */
  readonly normalized: string;
  /** YYYY-MM-DD; for a samordningsnummer the real day (DD − 60). */
  readonly birthDate: string;
  /** From the second-to-last digit: odd = MALE, even = FEMALE. */
  readonly sex: PersonalIdentitySex;
  /** True for a samordningsnummer (day + 60). */
  readonly coordinationNumber: boolean;
}

export interface PersonalIdentityNumberOptions {
  /** "Today" for the not-in-the-future check: a Date (its calendar date in Sweden is used) or `YYYY-MM-DD`. Default: now. */
  readonly today?: Date | string;
}

/** Years before this are taken to be a typo in the century rather than a person. */
export const EARLIEST_BIRTH_YEAR = 1800;

const SAMORDNINGSNUMMER_DAY_OFFSET = 60;

const FORMAT_MESSAGE =
  'The personal identity number must have 12 digits: YYYYMMDDNNNN, optionally written YYYYMMDD-NNNN or YYYYMMDD+NNNN.';
const TEN_DIGIT_MESSAGE =
  'The personal identity number must have 12 digits (YYYYMMDDNNNN); the 10-digit form is not accepted because its century cannot be known safely.';

/**
 * Validates and normalizes a personnummer or samordningsnummer: 12 digits with optional `-`/`+`
 * before the last four and surrounding whitespace; a real date (day + 60 for a samordningsnummer),
 * not in the future and not before {@link EARLIEST_BIRTH_YEAR}; Luhn over the last 10 digits.
 */
export function parsePersonalIdentityNumber(
  input: string | null | undefined,
  options: PersonalIdentityNumberOptions = {},
): Validated<PersonalIdentity> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'A personal identity number is required (12 digits, YYYYMMDDNNNN).');

  let digits: string;
  if (text.length === 12) {
    digits = text;
  } else if (text.length === 13 && isSeparator(text, 8)) {
    digits = text.slice(0, 8) + text.slice(9);
  } else if (isTenDigitForm(text)) {
    return invalid(ReasonCode.INVALID_FORMAT, TEN_DIGIT_MESSAGE);
  } else {
    return invalid(ReasonCode.INVALID_FORMAT, FORMAT_MESSAGE);
  }
  if (!isAsciiDigits(digits)) return invalid(ReasonCode.INVALID_FORMAT, FORMAT_MESSAGE);

  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const dayField = Number(digits.slice(6, 8));
  const coordinationNumber = dayField > SAMORDNINGSNUMMER_DAY_OFFSET;
  const day = coordinationNumber ? dayField - SAMORDNINGSNUMMER_DAY_OFFSET : dayField;
  if (!isValidCalendarDate(year, month, day)) {
    return invalid(
      ReasonCode.INVALID_DATE,
      'The personal identity number does not contain a real date of birth (YYYYMMDD; for a coordination number the day + 60).',
    );
  }
  if (year < EARLIEST_BIRTH_YEAR) {
    return invalid(
      ReasonCode.INVALID_DATE,
      `The personal identity number has a birth year before ${EARLIEST_BIRTH_YEAR}; check the century (YYYYMMDDNNNN).`,
    );
  }
  const birthDate = formatCalendarDate(year, month, day);
  if (birthDate > todayOf(options.today)) {
    return invalid(ReasonCode.INVALID_DATE, 'The personal identity number has a date of birth in the future.');
  }
  if (!luhnValid(digits.slice(2))) {
    return invalid(
      ReasonCode.INVALID_CHECKSUM,
      'The personal identity number has a wrong check digit (Luhn over the last 10 digits); check it for a typo.',
    );
  }
  const sexDigit = digits.charCodeAt(10) - 48;
  return valid({
    normalized: digits,
    birthDate,
    sex: sexDigit % 2 === 1 ? 'MALE' : 'FEMALE',
    coordinationNumber,
  });
}

/**
 * DESIGN §3 "birthDate must agree": checks a person's `birthDate` (YYYY-MM-DD) against the one in
 * their parsed personal identity number. Returns the birth date, or BIRTH_DATE_MISMATCH.
 */
export function checkBirthDateAgreement(
  identity: Pick<PersonalIdentity, 'birthDate'>,
  birthDate: string | null | undefined,
): Validated<string> {
  const parsed = parseCalendarDate(birthDate);
  if (!parsed.ok) return parsed;
  if (parsed.value !== identity.birthDate) {
    return invalid(
      ReasonCode.BIRTH_DATE_MISMATCH,
      'The birth date does not agree with the date of birth in the personal identity number.',
    );
  }
  return parsed;
}

function todayOf(today: Date | string | undefined): string {
  if (today === undefined) return currentDateInSweden();
  if (today instanceof Date) return calendarDateInSweden(today);
  const parsed = parseCalendarDate(today);
  if (!parsed.ok) throw new RangeError('options.today must be a Date or a YYYY-MM-DD date');
  return parsed.value;
}

function isSeparator(text: string, index: number): boolean {
  const char = text[index];
  return char === '-' || char === '+';
}

function isTenDigitForm(text: string): boolean {
  if (text.length === 10) return isAsciiDigits(text);
  return text.length === 11 && isSeparator(text, 6) && isAsciiDigits(text.slice(0, 6) + text.slice(7));
}
