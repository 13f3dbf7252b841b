import { normalizePersonnummer } from './personnummer-forms';

describe(normalizePersonnummer.name, () => {
  const asOf = '2026-11-30';

  it('should keep 12 digits, with or without a separator', () => {
    expect(normalizePersonnummer('199001011234', asOf)).toEqual({ ok: true, value: '199001011234' });
    expect(normalizePersonnummer('19900101-1234', asOf)).toEqual({ ok: true, value: '199001011234' });
    expect(normalizePersonnummer(' 19900101 1234 ', asOf)).toEqual({ ok: true, value: '199001011234' });
  });

  it('should give a 10-digit number with "-" or none the century of someone under 100 on the file\'s date', () => {
    expect(normalizePersonnummer('900101-1234', asOf)).toMatchObject({ ok: true, value: '199001011234', centuryAdded: { century: '19', separator: '-' } });
    expect(normalizePersonnummer('1001011234', asOf)).toMatchObject({ ok: true, value: '201001011234', centuryAdded: { century: '20', separator: '' } });
  });

  it("should put the 100-year boundary on the file's date: born on it turns 100 (previous century), born the day after is 99", () => {
    // Without "+" the person is under 100: 261130 is born on the file's date (2026), not 100 years before it.
    expect(normalizePersonnummer('261130-1234', asOf)).toMatchObject({ value: '202611301234' });
    // Born 1926-12-01 is 99 on 2026-11-30; 2026-12-01 would be in the future.
    expect(normalizePersonnummer('261201-1234', asOf)).toMatchObject({ value: '192612011234' });
    expect(normalizePersonnummer('261201-1234', '2026-12-01')).toMatchObject({ value: '202612011234' });
  });

  it('should give a number with "+" the century of someone 100 or older', () => {
    expect(normalizePersonnummer('261130+1234', asOf)).toMatchObject({ ok: true, value: '192611301234', centuryAdded: { century: '19', separator: '+' } });
    expect(normalizePersonnummer('261201+1234', asOf)).toMatchObject({ ok: true, value: '182612011234', centuryAdded: { century: '18', separator: '+' } });
  });

  it('should read a samordningsnummer (day + 60) by its real day', () => {
    // 2026-12-05 + 60 = 65: born in the future without the century, so 1926.
    expect(normalizePersonnummer('261265-1234', asOf)).toMatchObject({ value: '192612651234' });
  });

  it('should refuse what is no form of a personnummer', () => {
    expect(normalizePersonnummer('90-01-01-1234', asOf)).toMatchObject({ ok: false });
    expect(normalizePersonnummer('12345', asOf)).toMatchObject({ ok: false });
    expect(normalizePersonnummer('abcdefghij', asOf)).toMatchObject({ ok: false });
  });
});
