import { normalizeEmail } from './email';

describe(normalizeEmail.name, () => {
  it('should trim and lower-case the domain but keep the local part as written', () => {
    expect(normalizeEmail('  Anna.Svensson@Exempel.SE ')).toEqual({ ok: true, value: 'Anna.Svensson@exempel.se' });
  });

  it('should accept a plus tag and a subdomain', () => {
    expect(normalizeEmail('kansli+lok@mail.ik-stafett.se')).toEqual({ ok: true, value: 'kansli+lok@mail.ik-stafett.se' });
  });

  it('should accept an internationalized domain name', () => {
    expect(normalizeEmail('info@idrottsföreningen.se')).toEqual({ ok: true, value: 'info@idrottsföreningen.se' });
  });

  it('should reject an address without @', () => {
    expect(normalizeEmail('anna.exempel.se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject an address with two @', () => {
    expect(normalizeEmail('anna@svensson@exempel.se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject an empty local part', () => {
    expect(normalizeEmail('@exempel.se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject a local part longer than 64 characters', () => {
    expect(normalizeEmail(`${'a'.repeat(65)}@exempel.se`)).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should accept a local part of exactly 64 characters', () => {
    expect(normalizeEmail(`${'a'.repeat(64)}@exempel.se`).ok).toBe(true);
  });

  it('should reject two dots in a row in the local part', () => {
    expect(normalizeEmail('anna..svensson@exempel.se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject a space inside the address', () => {
    expect(normalizeEmail('anna svensson@exempel.se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject a domain without a dot', () => {
    expect(normalizeEmail('anna@localhost')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject an empty domain label', () => {
    expect(normalizeEmail('anna@exempel..se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject a domain label starting with a hyphen', () => {
    expect(normalizeEmail('anna@-exempel.se')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject a numeric top-level label', () => {
    expect(normalizeEmail('anna@192.168.0.1')).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should reject an address longer than 254 characters', () => {
    const domain = `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.se`;
    expect(normalizeEmail(`anna@${domain}`)).toMatchObject({ ok: false, code: 'INVALID_EMAIL' });
  });

  it('should report a blank value as REQUIRED', () => {
    expect(normalizeEmail(' ')).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it('should not repeat the address in the message', () => {
    const result = normalizeEmail('anna..svensson@exempel.se');
    expect(result.ok ? '' : result.message).not.toContain('svensson');
  });
});
