import { redactPersonnummer } from './redact';

describe(redactPersonnummer.name, () => {
  it.each([
    ['199001011234', 'person 199001011234 rejected'],
    ['19900101-1234', 'person 19900101-1234 rejected'],
    ['900101-1234', 'person 900101-1234 rejected'],
    ['9001011234', 'person 9001011234 rejected'],
    ['samordningsnummer', 'person 199001611234 rejected'],
  ])('should mask a %s inside a message', (_kind, message) => {
    expect(redactPersonnummer(message)).toBe('person [personnummer] rejected');
  });

  it('should leave ids, timestamps and short numbers alone', () => {
    const message = 'batch 3f0c0f0e-8d8b-4c57-9f4f-2c7bb3a1d0a1 took 1234 ms at 1732800000000 offset 42';
    expect(redactPersonnummer(message)).toBe(message);
  });
});
