import { parseOrganisationNumber } from './organisationsnummer';

describe(parseOrganisationNumber.name, () => {
  it('should normalize NNNNNN-NNNN to 10 digits', () => {
    expect(parseOrganisationNumber('202100-5448')).toEqual({ ok: true, value: '2021005448' });
  });

  it('should accept 10 digits without a separator', () => {
    expect(parseOrganisationNumber('8020001239')).toEqual({ ok: true, value: '8020001239' });
  });

  it('should ignore surrounding whitespace', () => {
    expect(parseOrganisationNumber('  802000-1239 ')).toEqual({ ok: true, value: '8020001239' });
  });

  it('should reject a third digit below 2 with INVALID_ORGANISATION_NUMBER', () => {
    expect(parseOrganisationNumber('1200000006')).toEqual({
      ok: false,
      code: 'INVALID_ORGANISATION_NUMBER',
      message: expect.stringContaining('third digit'),
    });
  });

  it('should reject a wrong check digit with INVALID_CHECKSUM', () => {
    expect(parseOrganisationNumber('802000-1238')).toMatchObject({ ok: false, code: 'INVALID_CHECKSUM' });
  });

  it('should reject 9 digits with INVALID_FORMAT', () => {
    expect(parseOrganisationNumber('802000123')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should reject the 12-digit form with century prefix 16', () => {
    expect(parseOrganisationNumber('168020001239')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should reject letters with INVALID_FORMAT', () => {
    expect(parseOrganisationNumber('80200O-1239')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should report a blank value as REQUIRED', () => {
    expect(parseOrganisationNumber('')).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it('should not repeat the number in the message', () => {
    const result = parseOrganisationNumber('802000-1238');
    expect(result.ok ? '' : result.message).not.toMatch(/\d{4,}/);
  });
});
