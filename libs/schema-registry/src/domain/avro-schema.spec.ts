import { InvalidAvroSchemaError, parseAvroSchema } from './avro-schema';

describe(parseAvroSchema.name, () => {
  it('should give the same hash whatever the whitespace and key order', () => {
    const a = parseAvroSchema('{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}');
    const b = parseAvroSchema('{ "fields": [ { "type": "int", "name": "x" } ],\n  "name": "A", "type": "record" }');
    expect(b.hash).toBe(a.hash);
    expect(b.canonical).toBe('{"fields":[{"name":"x","type":"int"}],"name":"A","type":"record"}');
  });

  it('should give different hashes when a logical type or a custom property differs', () => {
    const plain = parseAvroSchema('{"type":"long"}');
    const timestamp = parseAvroSchema('{"type":"long","logicalType":"timestamp-millis"}');
    const custom = parseAvroSchema('{"type":"long","connect.name":"x"}');
    expect(new Set([plain.hash, timestamp.hash, custom.hash]).size).toBe(3);
  });

  it('should parse a primitive given as a JSON string', () => {
    expect(parseAvroSchema('"string"').type.typeName).toBe('string');
  });

  it.each([
    ['not JSON', '{"type":', /^Invalid schema: not JSON/],
    ['an unknown type', '{"type":"recordz"}', /^Invalid schema: unknown type: "recordz"/],
    [
      'a default of the wrong type',
      '{"type":"record","name":"A","fields":[{"name":"x","type":"int","default":"no"}]}',
      /incompatible field default/,
    ],
  ])('should reject %s with the reason', (_case, text, reason) => {
    expect(() => parseAvroSchema(text)).toThrow(InvalidAvroSchemaError);
    expect(() => parseAvroSchema(text)).toThrow(reason);
  });
});
