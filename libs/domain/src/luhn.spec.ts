import { luhnCheckDigit, luhnValid } from './luhn';

describe(luhnValid.name, () => {
  it('should accept the last ten digits of the test personnummer 19121212-1212', () => {
    expect(luhnValid('1212121212')).toBe(true);
  });

  it('should accept the organisation number of Skatteverket 202100-5448', () => {
    expect(luhnValid('2021005448')).toBe(true);
  });

  it('should reject a number whose check digit is off by one', () => {
    expect(luhnValid('1212121213')).toBe(false);
  });

  it('should reject two neighbouring digits swapped', () => {
    expect(luhnValid('2120121212')).toBe(false);
  });

  it('should reject anything but ASCII digits', () => {
    expect(luhnValid('12121212-2')).toBe(false);
  });

  it('should reject an empty string', () => {
    expect(luhnValid('')).toBe(false);
  });
});

describe(luhnCheckDigit.name, () => {
  it('should compute the check digit of the test personnummer', () => {
    expect(luhnCheckDigit('121212121')).toBe(2);
  });

  it('should compute the check digit of an organisation number', () => {
    expect(luhnCheckDigit('202100544')).toBe(8);
  });

  it('should give 0 when the sum is already a multiple of ten', () => {
    expect(luhnCheckDigit('00')).toBe(0);
  });

  it('should throw a RangeError for non-digits, a programming error', () => {
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });
});
