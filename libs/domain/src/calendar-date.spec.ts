import { calendarDateInSweden, isLeapYear, isValidCalendarDate, parseCalendarDate } from './calendar-date';

describe(isLeapYear.name, () => {
  it.each([
    [2024, true],
    [2000, true],
    [2023, false],
    [1900, false],
  ])('should say whether %i is a leap year (%s)', (year, expected) => {
    expect(isLeapYear(year)).toBe(expected);
  });
});

describe(isValidCalendarDate.name, () => {
  it('should accept 29 February in a leap year', () => {
    expect(isValidCalendarDate(2024, 2, 29)).toBe(true);
  });

  it('should reject 29 February in a year that is not a leap year', () => {
    expect(isValidCalendarDate(2023, 2, 29)).toBe(false);
  });

  it('should reject 31 April', () => {
    expect(isValidCalendarDate(2024, 4, 31)).toBe(false);
  });
});

describe(parseCalendarDate.name, () => {
  it('should accept a real date written YYYY-MM-DD', () => {
    expect(parseCalendarDate(' 2024-02-29 ')).toEqual({ ok: true, value: '2024-02-29' });
  });

  it('should reject another notation with INVALID_DATE', () => {
    expect(parseCalendarDate('29/02/2024')).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should reject a date that does not exist with INVALID_DATE', () => {
    expect(parseCalendarDate('2023-02-29')).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });

  it('should report a missing date as REQUIRED', () => {
    expect(parseCalendarDate(undefined)).toMatchObject({ ok: false, code: 'REQUIRED' });
  });
});

describe(calendarDateInSweden.name, () => {
  it('should already be the next day in Sweden late on a summer evening in UTC', () => {
    expect(calendarDateInSweden(new Date('2025-06-14T22:30:00Z'))).toBe('2025-06-15');
  });

  it('should switch days at 23:00 UTC in winter', () => {
    expect(calendarDateInSweden(new Date('2025-01-14T22:59:59Z'))).toBe('2025-01-14');
  });
});
