import { generateApiKey, hashApiKey, keyHint } from './api-key';

describe(generateApiKey.name, () => {
  it('should make a stf_ key of 32 random bytes in base64url', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^stf_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
  });
});

describe(hashApiKey.name, () => {
  it('should store the SHA-256 of the key as lower-case hex', () => {
    expect(hashApiKey('stf_example')).toBe('375abf0782ef3aecde979a6fc98b842ed2b4de9400dd10592695bb67c8a4d4a5');
  });
});

describe(keyHint.name, () => {
  it('should show the prefix and the last four characters only', () => {
    expect(keyHint('stf_abcdefghijklmnopqrstuvwxyz')).toBe('stf_…wxyz');
  });
});
