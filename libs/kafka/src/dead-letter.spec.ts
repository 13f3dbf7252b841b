import { deadLetter, DLQ_HEADERS } from './dead-letter';
import type { ConsumedMessage } from './kafka-client.port';

describe(deadLetter.name, () => {
  const message: ConsumedMessage = { topic: 'stafett.person.imports.v1', partition: 2, offset: '41', key: Buffer.from('club:m-1'), value: Buffer.from('x'), headers: {}, timestamp: '1732800000000' };
  const headerOf = (error: Error) => String(deadLetter({ message, error }, 'group', 'stafett.dlq.v1').headers?.[DLQ_HEADERS.errorMessage]);

  it.each([
    ['with a space', 'invalid input syntax for type uuid: "19900101 1234"'],
    ['URL-encoded', 'invalid input syntax for type uuid: "19900101%2D1234"'],
    ['of an 18xx year', 'invalid input syntax for type uuid: "189912319876"'],
    ['as a name', 'invalid input syntax for type uuid: "Anna Berg"'],
  ])('should keep a refused value %s out of the error header', (_kind, text) => {
    expect(headerOf(new Error(text))).toBe('invalid input syntax for type uuid: "[redacted]"');
  });

  it('should keep the provenance of the original record', () => {
    const headers = deadLetter({ message, error: new Error('boom') }, 'group', 'stafett.dlq.v1').headers;
    expect(headers).toMatchObject({ [DLQ_HEADERS.topic]: 'stafett.person.imports.v1', [DLQ_HEADERS.partition]: '2', [DLQ_HEADERS.offset]: '41', [DLQ_HEADERS.errorMessage]: 'boom' });
  });

  it("should keep the original record's headers, also one named __proto__", () => {
    const original = JSON.parse('{"origin": "club-x", "__proto__": "p"}') as Record<string, string>;
    const headers = Object.fromEntries(Object.entries(original).map(([k, v]) => [k, Buffer.from(v)]));
    const dead = deadLetter({ message: { ...message, headers }, error: new Error('boom') }, 'group', 'stafett.dlq.v1').headers!;
    expect(Object.getPrototypeOf(dead)).toBe(Object.prototype);
    expect(Object.keys(dead).slice(0, 2)).toEqual(['origin', '__proto__']);
    expect(String((Object.getOwnPropertyDescriptor(dead, '__proto__')?.value as Buffer | undefined) ?? '')).toBe('p');
  });
});
