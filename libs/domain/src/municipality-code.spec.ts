import { parseMunicipalityCode } from './municipality-code';

describe(parseMunicipalityCode.name, () => {
  it('should accept 0180 Stockholm', () => {
    expect(parseMunicipalityCode('0180')).toEqual({ ok: true, value: '0180' });
  });

  it('should trim surrounding whitespace', () => {
    expect(parseMunicipalityCode(' 1480 ')).toEqual({ ok: true, value: '1480' });
  });

  it('should reject a code whose leading zero was lost', () => {
    expect(parseMunicipalityCode('180')).toMatchObject({ ok: false, code: 'INVALID_MUNICIPALITY_CODE' });
  });

  it('should reject five digits', () => {
    expect(parseMunicipalityCode('01800')).toMatchObject({ ok: false, code: 'INVALID_MUNICIPALITY_CODE' });
  });

  it('should reject a county prefix that is no longer in force', () => {
    expect(parseMunicipalityCode('1580')).toMatchObject({ ok: false, code: 'INVALID_MUNICIPALITY_CODE' });
  });

  it('should reject a county prefix above 25', () => {
    expect(parseMunicipalityCode('2680')).toMatchObject({ ok: false, code: 'INVALID_MUNICIPALITY_CODE' });
  });

  it('should reject letters', () => {
    expect(parseMunicipalityCode('01A0')).toMatchObject({ ok: false, code: 'INVALID_MUNICIPALITY_CODE' });
  });

  it('should report a blank value as REQUIRED', () => {
    expect(parseMunicipalityCode(null)).toMatchObject({ ok: false, code: 'REQUIRED' });
  });
});
