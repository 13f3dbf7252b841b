import { optionalText, requiredEnum, requiredText } from './strings';

describe(requiredText.name, () => {
  it('should trim and collapse inner whitespace, line breaks included', () => {
    expect(requiredText('  IK   Stafett\n\tungdom ', 'name', 100)).toEqual({ ok: true, value: 'IK Stafett ungdom' });
  });

  it('should compose decomposed letters (NFC) so that equal names compare equal', () => {
    expect(requiredText('A\u030Asa', 'firstName', 50)).toEqual({ ok: true, value: 'Åsa' });
  });

  it('should report an empty value as REQUIRED and name the field', () => {
    expect(requiredText('', 'lastName', 50)).toEqual({
      ok: false,
      code: 'REQUIRED',
      message: expect.stringContaining('lastName'),
    });
  });

  it('should report whitespace only as REQUIRED', () => {
    expect(requiredText(' \t\n ', 'lastName', 50)).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it('should report a missing value as REQUIRED', () => {
    expect(requiredText(undefined, 'lastName', 50)).toMatchObject({ ok: false, code: 'REQUIRED' });
  });

  it('should accept exactly maxLength characters', () => {
    expect(requiredText('abcde', 'code', 5)).toEqual({ ok: true, value: 'abcde' });
  });

  it('should report one character over maxLength as TOO_LONG with the limit', () => {
    expect(requiredText('abcdef', 'code', 5)).toEqual({
      ok: false,
      code: 'TOO_LONG',
      message: expect.stringContaining('at most 5 characters'),
    });
  });

  it('should count characters, not UTF-16 units', () => {
    expect(requiredText('🏃🏃🏃', 'title', 3)).toEqual({ ok: true, value: '🏃🏃🏃' });
  });

  it('should measure the length after collapsing whitespace', () => {
    expect(requiredText('a     b', 'code', 3)).toEqual({ ok: true, value: 'a b' });
  });

  it('should reject control characters such as NUL with INVALID_FORMAT', () => {
    expect(requiredText('Anna\u0000', 'firstName', 50)).toMatchObject({ ok: false, code: 'INVALID_FORMAT' });
  });

  it('should reject half of a surrogate pair (which JSON can carry) with INVALID_FORMAT, and take whole pairs', () => {
    for (const text of ['Anna\ud800', '\udc00Anna', 'An\ud83dna', 'Anna\ude00\ud83d']) {
      expect(requiredText(text, 'firstName', 50)).toMatchObject({ ok: false, code: 'INVALID_FORMAT', message: expect.stringContaining('surrogate') });
    }
    expect(requiredText('Anna \ud83c\udfc3', 'firstName', 50)).toEqual({ ok: true, value: 'Anna \ud83c\udfc3' });
  });
});

describe(optionalText.name, () => {
  it('should turn a blank value into undefined', () => {
    expect(optionalText('   ', 'location', 100)).toEqual({ ok: true, value: undefined });
  });

  it('should normalize a given value like requiredText', () => {
    expect(optionalText(' Hall  A ', 'location', 100)).toEqual({ ok: true, value: 'Hall A' });
  });

  it('should still report TOO_LONG', () => {
    expect(optionalText('abcdef', 'location', 5)).toMatchObject({ ok: false, code: 'TOO_LONG' });
  });
});

describe(requiredEnum.name, () => {
  const statuses = ['ACTIVE', 'INACTIVE'] as const;

  it('should accept an allowed value', () => {
    expect(requiredEnum(' ACTIVE ', 'status', statuses)).toEqual({ ok: true, value: 'ACTIVE' });
  });

  it('should accept an allowed value written in another case', () => {
    expect(requiredEnum('inactive', 'status', statuses)).toEqual({ ok: true, value: 'INACTIVE' });
  });

  it('should reject another value with INVALID_ENUM listing the allowed ones', () => {
    expect(requiredEnum('PAUSED', 'status', statuses)).toEqual({
      ok: false,
      code: 'INVALID_ENUM',
      message: 'status must be one of ACTIVE, INACTIVE.',
    });
  });

  it('should report a blank value as REQUIRED', () => {
    expect(requiredEnum('', 'status', statuses)).toMatchObject({ ok: false, code: 'REQUIRED' });
  });
});
