import { Type } from 'avsc';
import { canonicalAvroSchema, InvalidAvroSchemaError, parseAvroSchema } from './avro-schema';

describe(parseAvroSchema.name, () => {
  it('should give one hash whatever the whitespace and key order', () => {
    const a = parseAvroSchema('{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}');
    const b = parseAvroSchema('{ "fields": [ { "type": "int", "name": "x" } ],\n  "name": "A", "type": "record" }');
    expect(b.hash).toBe(a.hash);
  });

  it('should identify a primitive written as an object with its name', () => {
    expect(parseAvroSchema('{"type":"int"}').hash).toBe(parseAvroSchema('"int"').hash);
  });

  it('should identify a record named by its full name with the namespace spelling', () => {
    const fullName = parseAvroSchema('{"type":"record","name":"a.b.R","fields":[{"name":"x","type":"int"}]}');
    const namespace = parseAvroSchema('{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"x","type":"int"}]}');
    expect(fullName.hash).toBe(namespace.hash);
  });

  it('should give different hashes when a logical type or a custom property differs', () => {
    const plain = parseAvroSchema('{"type":"long"}');
    const timestamp = parseAvroSchema('{"type":"long","logicalType":"timestamp-millis"}');
    const custom = parseAvroSchema('{"type":"long","connect.name":"x"}');
    expect(new Set([plain.hash, timestamp.hash, custom.hash]).size).toBe(3);
  });

  it('should identify by the normalised form when asked, where property order no longer matters', () => {
    const ab = '{"type":"long","a":1,"b":2}';
    const ba = '{"type":"long","b":2,"a":1}';
    expect(parseAvroSchema(ab).hash).not.toBe(parseAvroSchema(ba).hash);
    expect(parseAvroSchema(ab, { normalize: true }).hash).toBe(parseAvroSchema(ba, { normalize: true }).hash);
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

describe(canonicalAvroSchema.name, () => {
  // Expected strings are what Java's org.apache.avro.Schema#toString() writes for the input
  // (the canonical string Confluent stores and Java clients send).
  it.each([
    ['a primitive object without properties', '{ "type": "string" }', '"string"'],
    [
      'a primitive with a logical type',
      '{"logicalType":"timestamp-millis","type":"long"}',
      '{"type":"long","logicalType":"timestamp-millis"}',
    ],
    [
      'a record in Avro key order with a namespace attribute',
      '{"fields":[{"type":"int","name":"x","doc":"d","default":1}],"namespace":"a.b","name":"R","type":"record","doc":"r"}',
      '{"type":"record","name":"R","namespace":"a.b","doc":"r","fields":[{"name":"x","type":"int","doc":"d","default":1}]}',
    ],
    [
      'a record named by its full name',
      '{"type":"record","name":"a.b.R","fields":[{"name":"x","type":"int"}]}',
      '{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"x","type":"int"}]}',
    ],
    [
      'nested types in the same namespace with short names, and references',
      '{"type":"record","name":"a.R","fields":[{"name":"e","type":{"type":"enum","name":"a.E","symbols":["X"]}},{"name":"f","type":["null","a.E"],"default":null}]}',
      '{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"f","type":["null","E"],"default":null}]}',
    ],
    [
      'a nested type in another namespace and one in none',
      '{"type":"record","name":"a.R","fields":[{"name":"f","type":{"type":"fixed","name":"b.F","size":4}},{"name":"g","type":{"type":"record","name":"N","namespace":"","fields":[]}}]}',
      '{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":{"type":"fixed","name":"F","namespace":"b","size":4}},{"name":"g","type":{"type":"record","name":"N","namespace":"","fields":[]}}]}',
    ],
    [
      'field order, aliases and custom properties after the fields',
      '{"type":"record","name":"R","aliases":["Old"],"x-team":"stafett","fields":[{"name":"x","type":"int","order":"DESCENDING","aliases":["y"],"connect.index":0}]}',
      '{"type":"record","name":"R","fields":[{"name":"x","type":"int","order":"descending","aliases":["y"],"connect.index":0}],"x-team":"stafett","aliases":["Old"]}',
    ],
    [
      'an array and a map',
      '{"type":"array","items":{"type":"map","values":{"type":"int"}}}',
      '{"type":"array","items":{"type":"map","values":"int"}}',
    ],
    [
      'double defaults as Java writes doubles',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0},{"name":"b","type":"double","default":1e7},{"name":"c","type":"double","default":0.00001}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0},{"name":"b","type":"double","default":1.0E7},{"name":"c","type":"double","default":1.0E-5}]}',
    ],
  ])('should write %s as Java does', (_case, input, expected) => {
    expect(canonicalAvroSchema(input)).toBe(expected);
  });

  it('should give a schema avsc reads as the same type', () => {
    const original =
      '{"type":"record","name":"a.R","fields":[{"name":"e","type":{"type":"enum","name":"a.E","symbols":["X"]}},{"name":"f","type":["null","a.E"],"default":null},{"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}}]}';
    const read = (text: string) => Type.forSchema(JSON.parse(text) as Parameters<typeof Type.forSchema>[0], { wrapUnions: true });
    expect(read(canonicalAvroSchema(original)).schema()).toEqual(read(original).schema());
  });
});
