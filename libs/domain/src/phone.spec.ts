import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalizePhone } from './phone';

describe(normalizePhone.name, () => {
  it('should normalize a Swedish mobile number to E.164', () => {
    expect(normalizePhone('070-123 45 67')).toEqual({ ok: true, value: '+46701234567' });
  });

  it('should normalize a Stockholm landline number to E.164', () => {
    expect(normalizePhone('08-123 456 78')).toEqual({ ok: true, value: '+46812345678' });
  });

  it('should normalize a Gothenburg landline number to E.164', () => {
    expect(normalizePhone('031-123 45 67')).toEqual({ ok: true, value: '+46311234567' });
  });

  it('should accept a Swedish number already in international form with (0)', () => {
    expect(normalizePhone('+46 (0)70 123 45 67')).toEqual({ ok: true, value: '+46701234567' });
  });

  it('should keep a Norwegian number given with +47 as Norwegian', () => {
    expect(normalizePhone('+47 412 34 567')).toEqual({ ok: true, value: '+4741234567' });
  });

  it('should read the 00 international prefix from Sweden', () => {
    expect(normalizePhone('0047 412 34 567')).toEqual({ ok: true, value: '+4741234567' });
  });

  it('should read a national number in another default country', () => {
    expect(normalizePhone('412 34 567', 'NO')).toEqual({ ok: true, value: '+4741234567' });
  });

  it('should reject letters', () => {
    expect(normalizePhone('ring kansliet')).toMatchObject({ ok: false, code: 'INVALID_PHONE' });
  });

  it('should reject a Swedish number that is too short', () => {
    expect(normalizePhone('070-1234')).toMatchObject({ ok: false, code: 'INVALID_PHONE' });
  });

  it('should reject a number surrounded by text rather than extract it', () => {
    expect(normalizePhone('tel 070-123 45 67 kvällstid')).toMatchObject({ ok: false, code: 'INVALID_PHONE' });
  });

  it('should reject a number with an extension, which E.164 cannot carry', () => {
    expect(normalizePhone('08-123 456 78 ext. 12')).toMatchObject({ ok: false, code: 'INVALID_PHONE' });
  });

  it('should reject an unknown default country with INVALID_FORMAT', () => {
    expect(normalizePhone('070-123 45 67', 'XX')).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should report a blank value as REQUIRED', () => {
    expect(normalizePhone('')).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it('should give what libphonenumber-js gives for Swedish mobile numbers in every way members write them', () => {
    // A fixed-seed generator: the same sample on every run.
    let seed = 20261201;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const digits = (n: number) => Array.from({ length: n }, () => String(next(10))).join('');
    const separated = (s: string) => [...s].map((c, i) => (i > 0 && next(4) === 0 ? ['-', ' '][next(2)] + c : c)).join('');
    const disagreements: string[] = [];
    const odd = ['070  123 45 67', '070 - 123 45 67', '+46-70-123 45 67', '+4 670 123 45 67', '+ 46701234567', '-0701234567', '+46 0701234567', '0046701234567', '07012345678'];
    for (const text of odd) {
      const phone = parsePhoneNumberFromString(text, { defaultCountry: 'SE', extract: false });
      const got = normalizePhone(text);
      if (got.ok !== Boolean(phone?.isValid()) || (got.ok && got.value !== phone?.number)) disagreements.push(text);
    }
    for (let i = 0; i < 20_000; i++) {
      const national = `7${digits(i % 50 === 0 ? 7 + next(3) : 8)}`; // now and then a length that is not a mobile's
      const text = [`0${national}`, `+46${national}`, separated(`0${national}`), `+46 ${separated(national)}`, ` 0${national} `][next(5)];
      const country = (['SE', 'NO'] as const)[next(8) === 0 ? 1 : 0];
      const phone = parsePhoneNumberFromString(text.trim(), { defaultCountry: country, extract: false });
      const expected = phone?.isValid() && phone.ext === undefined ? { ok: true, value: phone.number } : { ok: false };
      const got = normalizePhone(text, country);
      if (got.ok !== expected.ok || (got.ok && expected.ok && got.value !== expected.value)) disagreements.push(`${text} (${country})`);
    }
    expect(disagreements).toEqual([]);
  });
});
