import { credentialOf } from './credentials';
import { grants } from './api-role';

describe(credentialOf.name, () => {
  it('should read a Bearer key', () => {
    expect(credentialOf('Bearer stf_abc')).toEqual({ kind: 'key', key: 'stf_abc' });
  });

  it('should read the key as the password of Basic auth, as Confluent registry clients send it', () => {
    expect(credentialOf(`Basic ${Buffer.from('registry:stf_abc').toString('base64')}`)).toEqual({ kind: 'key', key: 'stf_abc' });
  });

  it('should tell a missing header from a malformed one', () => {
    expect(credentialOf(undefined)).toEqual({ kind: 'missing' });
    expect(credentialOf('Token stf_abc')).toEqual({ kind: 'malformed' });
    expect(credentialOf(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toEqual({ kind: 'malformed' });
  });
});

describe(grants.name, () => {
  it('should let admin pass everywhere and others only where their role is named', () => {
    expect(grants(['admin'], ['import'])).toBe(true);
    expect(grants(['read'], ['import'])).toBe(false);
    expect(grants(['import'], ['import', 'read'])).toBe(true);
  });
});
