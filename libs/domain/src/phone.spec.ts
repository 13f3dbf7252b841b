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
});
