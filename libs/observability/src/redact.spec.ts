import { loggablePath, redactErrorText, redactLogFields, redactPersonnummer, redactText } from './redact';

describe(redactPersonnummer.name, () => {
  it.each([
    ['12 digits', 'person 199001011234 rejected'],
    ['12 digits with -', 'person 19900101-1234 rejected'],
    ['10 digits with -', 'person 900101-1234 rejected'],
    ['10 digits with + (100 or older)', 'person 120101+1234 rejected'],
    ['10 digits', 'person 9001011234 rejected'],
    ['samordningsnummer', 'person 199001611234 rejected'],
    ['an 18xx year', 'person 189912319876 rejected'],
    ['a space before the last four', 'person 19900101 1234 rejected'],
    ['%2D (URL-encoded -)', 'person 19900101%2D1234 rejected'],
    ['%2B (URL-encoded +)', 'person 900101%2B1234 rejected'],
    ['%2d in lower case', 'person 900101%2d1234 rejected'],
    ['%20 (URL-encoded space)', 'person 900101%201234 rejected'],
  ])('should mask a personnummer written as %s', (_kind, message) => {
    expect(redactPersonnummer(message)).toBe('person [personnummer] rejected');
  });

  it('should leave ids, timestamps and short numbers alone', () => {
    const message = 'batch 3f0c0f0e-8d8b-4c57-9f4f-2c7bb3a1d0a1 took 1234 ms at 1732800000000 offset 42';
    expect(redactPersonnummer(message)).toBe(message);
  });
});

describe(redactText.name, () => {
  it('should mask e-mail addresses, also URL-encoded', () => {
    expect(redactText('to anna.berg@example.se and anna%40example.se')).toBe('to [e-mail] and [e-mail]');
  });

  it('should mask phone numbers in international and national form', () => {
    expect(redactText('call +46701234567, +46 70 123 45 67 or 070-123 45 67')).toBe('call [phone], [phone] or [phone]');
  });

  it('should leave uuids readable', () => {
    const id = '12345678-0000-4000-8000-012345678901';
    expect(redactText(`person ${id}`)).toBe(`person ${id}`);
  });
});

describe(redactErrorText.name, () => {
  it('should replace the value Postgres quotes, whatever it holds', () => {
    expect(redactErrorText('invalid input syntax for type uuid: "Anna Berg"')).toBe('invalid input syntax for type uuid: "[redacted]"');
  });

  it('should replace the value of a unique violation detail', () => {
    expect(redactErrorText('Key (personal_identity_number)=(199001011234) already exists.')).toBe('Key (personal_identity_number)=([redacted]) already exists.');
  });

  it('should replace a JSON value printed by a decoder', () => {
    expect(redactErrorText('invalid "record": {"firstName":"Anna","email":"anna@example.se"}')).toBe('invalid "record": [redacted]');
  });

  it('should mask a personnummer outside quotes too', () => {
    expect(redactErrorText('record 19900101%2D1234 failed')).toBe('record [personnummer] failed');
  });
});

describe(loggablePath.name, () => {
  it('should drop the query and mask personal data in the path', () => {
    expect(loggablePath('/v1/persons/199001011234?name=Anna&personalIdentityNumber=19900101%2D1234')).toBe('/v1/persons/[personnummer]');
  });
});

describe(redactLogFields.name, () => {
  it('should redact strings deep in plain records and in errors', () => {
    const error = new Error('invalid input syntax for type uuid: "9001011234"');
    expect(redactLogFields({ batch: { note: 'for anna@example.se' }, err: error })).toEqual({
      batch: { note: 'for [e-mail]' },
      err: { type: 'Error', message: 'invalid input syntax for type uuid: "[redacted]"', stack: expect.not.stringContaining('9001011234') },
    });
  });
});
