import { parsePersonalIdentityNumber } from '../personnummer';
import { invalidLuhn, makePersonnummer } from './personnummer-factory';

const options = { today: '2025-06-15' };

describe(makePersonnummer.name, () => {
  it('should build a valid number for a woman by default', () => {
    expect(parsePersonalIdentityNumber(makePersonnummer({ birthDate: '1987-10-03' }), options)).toEqual({
      ok: true,
      value: { normalized: '198710030001', birthDate: '1987-10-03', sex: 'FEMALE', coordinationNumber: false },
    });
  });

  it('should build a man from an odd second-to-last digit', () => {
    expect(makePersonnummer({ birthDate: '1912-12-12', sex: 'MALE', serial: 60 })).toBe('191212121212');
  });

  it('should build a samordningsnummer with day + 60 that parses to the real birth date', () => {
    const pnr = makePersonnummer({ birthDate: '2024-02-29', coordination: true, serial: 7 });
    expect(parsePersonalIdentityNumber(pnr, options)).toMatchObject({
      ok: true,
      value: { normalized: pnr, birthDate: '2024-02-29', coordinationNumber: true },
    });
  });

  it('should give 1000 distinct valid numbers for one day over both sexes and every serial', () => {
    const numbers = new Set<string>();
    for (const sex of ['FEMALE', 'MALE'] as const) {
      for (let serial = 0; serial < 500; serial++) {
        const pnr = makePersonnummer({ birthDate: '2010-01-31', sex, serial });
        const parsed = parsePersonalIdentityNumber(pnr, options);
        if (parsed.ok && parsed.value.sex === sex) numbers.add(pnr);
      }
    }
    expect(numbers.size).toBe(1000);
  });

  it('should throw a RangeError for a date that does not exist', () => {
    expect(() => makePersonnummer({ birthDate: '2023-02-29' })).toThrow(RangeError);
  });

  it('should throw a RangeError for a serial outside 0–499', () => {
    expect(() => makePersonnummer({ birthDate: '2000-01-01', serial: 500 })).toThrow(RangeError);
  });
});

describe(invalidLuhn.name, () => {
  it('should give a number that fails only on its check digit', () => {
    const pnr = invalidLuhn(makePersonnummer({ birthDate: '1990-05-17', serial: 42 }));
    expect(parsePersonalIdentityNumber(pnr, options)).toMatchObject({ ok: false, code: 'INVALID_CHECKSUM' });
  });

  it('should keep the separator of the number it changes', () => {
    expect(invalidLuhn('19121212-1212')).toBe('19121212-1213');
  });
});
