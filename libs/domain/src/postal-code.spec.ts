import { normalizePostalCode } from './postal-code';

describe(normalizePostalCode.name, () => {
  it('should normalize a Swedish postal code written 123 45 to 12345', () => {
    expect(normalizePostalCode('123 45')).toEqual({ ok: true, value: '12345' });
  });

  it('should accept five digits and surrounding whitespace', () => {
    expect(normalizePostalCode(' 11122 ', 'SE')).toEqual({ ok: true, value: '11122' });
  });

  it('should read the country code case-insensitively', () => {
    expect(normalizePostalCode('411 04', 'se')).toEqual({ ok: true, value: '41104' });
  });

  it('should use the Swedish rules when the country is null', () => {
    expect(normalizePostalCode('411 04', null)).toEqual({ ok: true, value: '41104' });
  });

  it('should reject four digits in Sweden', () => {
    expect(normalizePostalCode('1234')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should reject six digits in Sweden', () => {
    expect(normalizePostalCode('123456')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should reject a Swedish postal code starting with 0', () => {
    expect(normalizePostalCode('012 34')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should reject letters in a Swedish postal code', () => {
    expect(normalizePostalCode('SE-123 45')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should accept a Norwegian postal code of four digits', () => {
    expect(normalizePostalCode('0150', 'NO')).toEqual({ ok: true, value: '0150' });
  });

  it('should upper-case a British postcode and collapse its spaces', () => {
    expect(normalizePostalCode(' sw1a   1aa ', 'GB')).toEqual({ ok: true, value: 'SW1A 1AA' });
  });

  it('should reject a foreign postal code longer than 10 characters', () => {
    expect(normalizePostalCode('12345-678901', 'US')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should reject other characters in a foreign postal code', () => {
    expect(normalizePostalCode('12#45', 'DE')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should reject a foreign postal code of hyphens only', () => {
    expect(normalizePostalCode('--', 'DE')).toMatchObject({ ok: false, code: 'INVALID_POSTAL_CODE' });
  });

  it('should reject a country code that is not two letters', () => {
    expect(normalizePostalCode('12345', 'SWE')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should report a blank postal code as REQUIRED', () => {
    expect(normalizePostalCode('  ')).toMatchObject({ ok: false, code: 'REQUIRED' });
  });
});
