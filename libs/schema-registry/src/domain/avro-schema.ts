import { createHash } from 'node:crypto';
import { Type } from 'avsc';
import { writeAvroSchema } from './avro-canonical-form';
import { parseJson } from './schema-json';

export class InvalidAvroSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAvroSchemaError';
  }
}

export interface ParsedAvroSchema {
  /** The avsc type, for compatibility checks. */
  readonly type: Type;
  /**
   * The text the registry stores and answers for this schema, and identifies it by: the
   * canonical form, or the normalised one when asked (`?normalize=true`), as Confluent does.
   */
  readonly text: string;
  /** The registry's identity of the schema: `avroSchemaHash(text)`. */
  readonly hash: string;
}

export interface ParseAvroSchemaOptions {
  /** Confluent's `normalize=true`: identify by the normalised form instead of the canonical one. */
  readonly normalize?: boolean;
}

/**
 * Parses an Avro schema given as JSON text (a record, or a JSON string such as `"string"` for a
 * primitive). Throws `InvalidAvroSchemaError` with avsc's reason when it is not valid Avro.
 *
 * Identity (see `avro-canonical-form.ts`): two texts are the same schema when their canonical
 * forms are equal — the same rule as Confluent's, so a schema registered by a JS client from a
 * hand-written `.avsc` is found by the canonical string a Java client sends, and gets the same id.
 */
export function parseAvroSchema(text: string, options: ParseAvroSchemaOptions = {}): ParsedAvroSchema {
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
  const identity = writeAvroSchema(parseJson(text), options.normalize === true ? 'normalized' : 'canonical');
  return { type, text: identity, hash: avroSchemaHash(identity) };
}

/** The canonical form of a valid Avro schema text (Java's `Schema#toString()`, Confluent's `canonicalString()`). */
export function canonicalAvroSchema(text: string): string {
  return writeAvroSchema(parseJson(text), 'canonical');
}

/** SHA-256 (hex) of the schema type and the identifying text: the `hash` column of `registry.schemas`. */
export function avroSchemaHash(identity: string): string {
  return createHash('sha256').update(`AVRO\n${identity}`).digest('hex');
}
