import { luhnCheckDigit } from './luhn';
import { checkBirthDateAgreement, parsePersonalIdentityNumber, type PersonalIdentity } from './personnummer';
import { invalidLuhn, makePersonnummer } from './testing/personnummer-factory';
import type { Invalid, Validated } from './validated';

const today = '2025-06-15';

/** 11 digits + the right Luhn digit, so that a test fails on the date, not on the checksum. */
function withCheckDigit(first11: string): string {
  return first11 + String(luhnCheckDigit(first11.slice(2)));
}

function parse(input: string | undefined): Validated<PersonalIdentity> {
  return parsePersonalIdentityNumber(input, { today });
}

function identity(result: Validated<PersonalIdentity>): PersonalIdentity {
  if (!result.ok) throw new Error(`expected a valid personal identity number, got ${result.code}: ${result.message}`);
  return result.value;
}

describe(parsePersonalIdentityNumber.name, () => {
  it('should parse the test number 19121212-1212 as a man born 1912-12-12', () => {
    expect(parse('19121212-1212')).toEqual({
      ok: true,
      value: { normalized: '191212121212', birthDate: '1912-12-12', sex: 'MALE', coordinationNumber: false },
    });
  });

  it('should accept 12 digits without a separator', () => {
    expect(identity(parse('191212121212')).normalized).toBe('191212121212');
  });

  it('should accept a + separator before the last four digits', () => {
    expect(identity(parse('19121212+1212')).normalized).toBe('191212121212');
  });

  it('should ignore surrounding whitespace', () => {
    expect(identity(parse(' \t19121212-1212\n')).normalized).toBe('191212121212');
  });

  it('should parse a number built by the factory as a woman with its birth date', () => {
    const pnr = makePersonnummer({ birthDate: '1987-10-03', sex: 'FEMALE', serial: 123 });
    expect(parse(pnr)).toEqual({
      ok: true,
      value: { normalized: pnr, birthDate: '1987-10-03', sex: 'FEMALE', coordinationNumber: false },
    });
  });

  it('should take the sex from the second-to-last digit (even = FEMALE)', () => {
    expect(identity(parse(withCheckDigit('19900314124'))).sex).toBe('FEMALE');
  });

  it('should parse a samordningsnummer (day + 60) with its real birth date', () => {
    expect(parse('19900374-1239')).toEqual({
      ok: true,
      value: { normalized: '199003741239', birthDate: '1990-03-14', sex: 'MALE', coordinationNumber: true },
    });
  });

  it('should accept a samordningsnummer on the 31st (day 91)', () => {
    expect(identity(parse(withCheckDigit('19900191123'))).birthDate).toBe('1990-01-31');
  });

  it('should reject a samordningsnummer whose real day does not exist (30 February)', () => {
    expect(parse(withCheckDigit('19900290123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject day 60, neither a date nor a samordningsnummer', () => {
    expect(parse(withCheckDigit('19900160123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject a wrong check digit with INVALID_CHECKSUM', () => {
    expect(parse(invalidLuhn('191212121212'))).toMatchObject({ ok: false, code: 'INVALID_CHECKSUM' });
  });

  it('should accept 29 February in a leap year', () => {
    expect(identity(parse(withCheckDigit('20000229123'))).birthDate).toBe('2000-02-29');
  });

  it('should reject 29 February in a year that is not a leap year', () => {
    expect(parse(withCheckDigit('20230229123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject 29 February 1900, a century that is not a leap year', () => {
    expect(parse(withCheckDigit('19000229123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject day 32', () => {
    expect(parse(withCheckDigit('19991232123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject month 13', () => {
    expect(parse(withCheckDigit('19991301123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject month 00', () => {
    expect(parse(withCheckDigit('19990001123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject a birth date after today', () => {
    const tomorrow = makePersonnummer({ birthDate: '2025-06-16' });
    expect(parse(tomorrow)).toMatchObject({ ok: false, code: 'INVALID_DATE', message: expect.stringContaining('future') });
  });

  it('should accept a person born today', () => {
    expect(identity(parse(makePersonnummer({ birthDate: today }))).birthDate).toBe(today);
  });

  it('should take today in Swedish time when today is given as a Date', () => {
    const bornJustAfterMidnight = makePersonnummer({ birthDate: '2025-06-15' });
    const result = parsePersonalIdentityNumber(bornJustAfterMidnight, { today: new Date('2025-06-14T22:30:00Z') });
    expect(result.ok).toBe(true);
  });

  it('should reject a birth year before 1800 as a century typo', () => {
    expect(parse(withCheckDigit('17900101123'))).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject 10 digits because the century cannot be known', () => {
    expect(parse('1212121212')).toEqual({
      ok: false,
      code: 'INVALID_FORMAT',
      message: expect.stringContaining('12 digits (YYYYMMDDNNNN)'),
    });
  });

  it('should reject the 10-digit form with a separator the same way', () => {
    expect(parse('121212-1212')).toMatchObject({ ok: false, code: 'INVALID_FORMAT', message: expect.stringContaining('century') });
  });

  it('should reject letters with INVALID_FORMAT', () => {
    expect(parse('19121212-12A2')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should reject a separator in another place', () => {
    expect(parse('1912121-21212')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should reject non-ASCII digits', () => {
    expect(parse('١٩١٢١٢١٢١٢١٢')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should report a blank value as REQUIRED', () => {
    expect(parse('   ')).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it('should report a missing value as REQUIRED', () => {
    expect(parse(undefined)).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it.each([
    ['a wrong check digit', '19121212-1213'],
    ['a 10-digit number', '121212-1212'],
    ['a non-existent date', withCheckDigit('20230229123')],
    ['a future date', makePersonnummer({ birthDate: '2030-01-01', serial: 321 })],
    ['a century typo', withCheckDigit('17900101123')],
    ['a letter among the digits', '19121212-12A2'],
  ])('should not repeat the number in the message for %s', (_case, input) => {
    const result = parse(input) as Invalid;
    const digits = input.replace(/\D/g, '');
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(input);
    expect(result.message).not.toContain(digits.slice(-4));
    expect(result.message).not.toMatch(/\d{5,}/);
  });
});

describe(checkBirthDateAgreement.name, () => {
  const man = identity(parse('19121212-1212'));

  it('should accept the birth date that the number carries', () => {
    expect(checkBirthDateAgreement(man, '1912-12-12')).toEqual({ ok: true, value: '1912-12-12' });
  });

  it('should reject another birth date with BIRTH_DATE_MISMATCH', () => {
    expect(checkBirthDateAgreement(man, '1912-12-13')).toMatchObject({ ok: false, code: 'BIRTH_DATE_MISMATCH' });
  });

  it('should compare the real date of a samordningsnummer, not day + 60', () => {
    const coordination = identity(parse('19900374-1239'));
    expect(checkBirthDateAgreement(coordination, '1990-03-14')).toEqual({ ok: true, value: '1990-03-14' });
  });

  it('should reject a birth date that is not a date with INVALID_DATE', () => {
    expect(checkBirthDateAgreement(man, '12/12/1912')).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should not repeat either date in the mismatch message', () => {
    const result = checkBirthDateAgreement(man, '1912-12-13') as Invalid;
    expect(result.message).not.toMatch(/1912/);
  });
});
