import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../connector';

/** A refusal that names its field (the shape of `@stafett/api`'s FieldError and of import reasons). */
export interface SchemaFieldError {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

/** One Ajv (JSON Schema draft 2020-12, with formats) for the SDK: strict, every error, no coercion. */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, validateSchema: true });
  addFormats(ajv);
  return ajv;
}

const ajv = newAjv();
const compiled = new WeakMap<object, ValidateFunction>();

/** Where a JSON Schema is itself invalid (draft 2020-12 meta-schema, unknown keywords), or [] when it compiles. */
export function jsonSchemaErrors(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return ['a JSON Schema must be an object'];
  const scratch = newAjv();
  if (!scratch.validateSchema(schema)) return (scratch.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  try {
    scratch.compile(schema);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** `prefix` + `/a/0/b` → `prefix.a[0].b`. */
function fieldOf(prefix: string, pointer: string, child?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), prefix);
}

function toFieldError(e: ErrorObject, prefix: string): SchemaFieldError {
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: fieldOf(prefix, e.instancePath, missing), code: 'REQUIRED', message: 'is required' };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: fieldOf(prefix, e.instancePath, extra), code: 'UNKNOWN_FIELD', message: 'is not a field of this schema' };
    }
    case 'enum':
      return {
        field: fieldOf(prefix, e.instancePath),
        code: 'INVALID_ENUM',
        message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'maxLength':
    case 'maxItems':
      return { field: fieldOf(prefix, e.instancePath), code: 'TOO_LONG', message: e.message ?? 'is too long' };
    default:
      // Ajv's messages describe the rule ("must match pattern …", "must be integer"), never the value.
      return { field: fieldOf(prefix, e.instancePath) || null, code: 'INVALID_FORMAT', message: e.message ?? 'is invalid' };
  }
}

/** Where `value` breaks `schema`, as field errors under `prefix` (`config.columns.firstName`); [] when valid. */
export function schemaErrors(schema: JsonSchema | object, value: unknown, prefix: string): SchemaFieldError[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: SchemaFieldError[] = [];
  for (const error of (validate.errors ?? []).map((e) => toFieldError(e, prefix))) {
    const key = `${error.field}|${error.code}`;
    if (!seen.has(key)) out.push(error);
    seen.add(key);
  }
  return out;
}
