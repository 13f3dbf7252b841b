import { createHash } from 'node:crypto';
import { Type } from 'avsc';

export class InvalidAvroSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAvroSchemaError';
  }
}

export interface ParsedAvroSchema {
  /** The avsc type, for compatibility checks. */
  readonly type: Type;
  /** The normalised text that identifies the schema (see `canonicalAvroSchema`). */
  readonly canonical: string;
  /** SHA-256 (hex) of the schema type and the canonical text: the registry's identity of a schema. */
  readonly hash: string;
}

/**
 * Parses an Avro schema given as JSON text (a record, or a JSON string such as `"string"` for a
 * primitive). Throws `InvalidAvroSchemaError` with avsc's reason when it is not valid Avro.
 */
export function parseAvroSchema(text: string): ParsedAvroSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidAvroSchemaError(`Invalid schema: not JSON (${(e as Error).message})`);
  }
  let type: Type;
  try {
    // A fresh options object per call: avsc keeps its registry of named types in it. Wrapped unions
    // accept every valid Avro union, and old and new schemas are parsed alike.
    type = Type.forSchema(json as Parameters<typeof Type.forSchema>[0], { wrapUnions: true });
  } catch (e) {
    throw new InvalidAvroSchemaError(`Invalid schema: ${(e as Error).message}`);
  }
  const canonical = canonicalAvroSchema(json);
  return { type, canonical, hash: createHash('sha256').update(`AVRO\n${canonical}`).digest('hex') };
}

/**
 * The canonical form used to recognise a schema that was already registered: the parsed JSON
 * written back with object keys sorted and no whitespace (array order, e.g. field order, kept).
 *
 * Why not avsc's `Type#getSchema({ exportAttrs: true })`: without registered logical types it
 * drops `logicalType` and every custom property (`connect.name`, `avro.java.string`, …), so
 * `{"type":"long","logicalType":"timestamp-millis"}` and `"long"` would get the same global id and
 * a consumer would decode a timestamp as a plain long. Sorted JSON keeps every attribute and only
 * ignores what never changes meaning (whitespace and key order); the price is that spellings
 * which are equivalent Avro (`"string"` vs `{"type":"string"}`) get different ids, which is harmless.
 */
export function canonicalAvroSchema(json: unknown): string {
  return JSON.stringify(sortKeys(json));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}
