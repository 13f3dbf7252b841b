import type avro from 'avsc';
import { ReasonCode } from '@stafett/domain';

/** A field that breaks the contract (the shape of `@stafett/api`'s FieldError). */
export interface ContractFieldError {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

/** `records[3]` + `payload` + `memberships` + `0` → `records[3].payload.memberships[0]`. */
function fieldPath(prefix: string, path: readonly string[]): string {
  return path.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), prefix);
}

function expected(type: avro.Type): string {
  const name = type.typeName;
  if (name === 'logical:date') return 'a date written YYYY-MM-DD';
  if (name === 'logical:timestamp-millis') return 'an ISO 8601 instant with a zone, e.g. 2026-03-01T17:00:00Z';
  if (name.startsWith('union')) {
    const branches = (type as avro.types.UnwrappedUnionType).types;
    const text = branches
      .filter((t) => t.typeName !== 'null')
      .map(expected)
      .join(' or ');
    return branches.some((t) => t.typeName === 'null') ? `${text} (or null)` : text;
  }
  switch (name) {
    case 'null':
      return 'null';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'int':
    case 'long':
      return 'an integer';
    case 'enum':
      return `one of ${(type as avro.types.EnumType).symbols.join(', ')}`;
    case 'record':
      return 'an object';
    case 'array':
      return 'an array';
    default:
      return name;
  }
}

function codeOf(type: avro.Type): string {
  const names = type.typeName.startsWith('union') ? (type as avro.types.UnwrappedUnionType).types.map((t) => t.typeName) : [type.typeName];
  if (names.includes('enum')) return ReasonCode.INVALID_ENUM;
  if (names.includes('logical:date')) return ReasonCode.INVALID_DATE;
  return ReasonCode.INVALID_FORMAT;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where `value` breaks the Avro contract `type`, as field errors under `prefix`: a field of the
 * wrong type (never quoting the value, which may be a personnummer), or one the contract does not
 * have. Empty when `value` encodes.
 */
export function contractErrors(type: avro.Type, value: unknown, prefix: string): ContractFieldError[] {
  const errors: ContractFieldError[] = [];
  type.isValid(value, {
    errorHook: (path, _value, failed) => errors.push({ field: fieldPath(prefix, path), code: codeOf(failed), message: `must be ${expected(failed)}` }),
  });
  if (errors.length > 0) return errors;
  // Only now: with undeclared fields, avsc reports the whole record and not its other fields.
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, failedValue, failed) => {
      if (failed.typeName !== 'record' || !isPlainObject(failedValue)) return;
      const known = new Set((failed as avro.types.RecordType).fields.map((f) => f.name));
      for (const key of Object.keys(failedValue).filter((k) => !known.has(k))) {
        errors.push({ field: fieldPath(prefix, [...path, key]), code: 'UNKNOWN_FIELD', message: `is not a field of ${(failed as avro.types.RecordType).name ?? 'the contract'}` });
      }
    },
  });
  return errors;
}
