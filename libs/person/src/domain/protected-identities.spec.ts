import { createHash, createHmac } from 'node:crypto';
import { loadConfig } from '@stafett/config';
import { ProtectedIdentities, protectedIdentityKeys } from './person.rules';

describe(ProtectedIdentities.name, () => {
  const pnr = '199001011234';
  const key = Buffer.from('k'.repeat(32));
  const oldKey = Buffer.from('o'.repeat(32));
  const salt = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const sut = () => new ProtectedIdentities({ current: key, previous: [oldKey], legacySalt: salt });

  it('should remember a number as the HMAC-SHA-256 under the key, not as a hash the database alone can reproduce', () => {
    const identities = sut();
    identities.protect(pnr);
    expect(identities.added).toEqual([createHmac('sha256', key).update(pnr).digest()]);
    expect(identities.added[0]).not.toEqual(createHash('sha256').update(salt).update(pnr).digest());
  });

  it('should still know a number registered with the legacy salted SHA-256, and re-register it under the key', () => {
    const identities = sut();
    const legacy = createHash('sha256').update(salt).update(pnr).digest();
    identities.remember([legacy.toString('hex')]);
    expect(identities.isProtected(pnr)).toBe(true);
    expect(identities.added).toEqual([identities.hash(pnr)]);
    expect(identities.retired).toEqual([legacy]);
  });

  it('should still know a number registered under a previous key (rotation), and re-register it under the current one', () => {
    const identities = sut();
    const previous = createHmac('sha256', oldKey).update(pnr).digest();
    identities.remember([previous.toString('hex')]);
    expect(identities.isProtected(pnr)).toBe(true);
    expect(identities.retired).toEqual([previous]);
  });

  it('should not call a number protected that is registered under no key', () => {
    expect(sut().isProtected(pnr)).toBe(false);
  });
});

describe(protectedIdentityKeys.name, () => {
  it('should derive a stable development key when none is configured, and say it is derived', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app:secret@db/stafett' });
    const a = protectedIdentityKeys(config, undefined);
    expect(a.derived).toBe(true);
    expect(protectedIdentityKeys(loadConfig({ DATABASE_URL: 'postgres://app:other@db/stafett' }), undefined).current).toEqual(a.current);
  });

  it('should use the configured key and the previous ones', () => {
    const keys = protectedIdentityKeys(loadConfig({ STAFETT_PROTECTED_IDENTITY_KEY: 'n'.repeat(32), STAFETT_PROTECTED_IDENTITY_PREVIOUS_KEYS: 'o'.repeat(32) }), undefined);
    expect(keys).toEqual({ current: Buffer.from('n'.repeat(32)), previous: [Buffer.from('o'.repeat(32))], legacySalt: undefined, derived: false });
  });
});
