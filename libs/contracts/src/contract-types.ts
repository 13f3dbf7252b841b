import avro from 'avsc';
import { installAsciiStringFastPath } from './avsc-ascii-strings';
import { CONTRACT_SCHEMAS, type ContractName } from './generated/contracts.generated';
import { LOGICAL_TYPES } from './logical-types';
import type { EntityName } from './topics';

const cache = new Map<string, avro.Type>();

// Every Stafett process encodes through these types: the wrapper is in place before the first record.
installAsciiStringFastPath();

/** The avsc type of a top-level contract, with Stafett's logical types (date as string, timestamp as Date). */
export function contractType(name: ContractName): avro.Type {
  let type = cache.get(name);
  if (!type) {
    type = parseSchema(CONTRACT_SCHEMAS[name]);
    cache.set(name, type);
  }
  return type;
}

/** Parses any Avro schema (e.g. a writer schema fetched from the registry) the way Stafett does. */
export function parseSchema(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { logicalTypes: LOGICAL_TYPES });
}

const PASCAL: Record<EntityName, string> = { organisation: 'Organisation', person: 'Person', group: 'Group', activity: 'Activity' };

/** The contracts of one entity: its state, its change envelope and its import record. */
export function entityContracts(entity: EntityName): { state: ContractName; changed: ContractName; importRecord: ContractName } {
  const ns = `se.stafett.${entity}`;
  return {
    state: `${ns}.${PASCAL[entity]}` as ContractName,
    changed: `${ns}.${PASCAL[entity]}Changed` as ContractName,
    importRecord: `${ns}.ImportRecord` as ContractName,
  };
}

export const IMPORT_RESULT_CONTRACT: ContractName = 'se.stafett.imports.ImportResult';

const projected = new Map<string, avro.Type>();

/**
 * A reader type of a contract record with only some of its top-level fields: decoding through it
 * (schema resolution skips the writer's other fields) builds no strings or objects for what a
 * consumer never reads. For consumers that follow every change of an entity but keep a few facts
 * (the projections, the change log). The record keeps its full name, so it resolves against any
 * compatible writer. `nested` narrows kept fields further: a field whose type is a record, or a
 * union of null and a record (the envelope's `before`/`after`), keeps only the listed fields of it.
 */
export function projectedType(name: ContractName, fields: readonly string[], nested: Readonly<Record<string, readonly string[]>> = {}): avro.Type {
  const key = `${name}\u0000${fields.join(',')}\u0000${JSON.stringify(nested)}`;
  let type = projected.get(key);
  if (!type) {
    const full = contractType(name) as avro.types.RecordType;
    for (const f of Object.keys(nested)) if (!fields.includes(f)) throw new Error(`${name}: ${f} is narrowed but not kept`);
    const inner = new Map<string, avro.Type>();
    type = projectRecord(full, fields, (field) => {
      const keep = nested[field.name];
      if (!keep) return field.type;
      const t = field.type;
      const record = avro.Type.isType(t, 'record') ? t : avro.Type.isType(t, 'union:unwrapped') ? (t as avro.types.UnwrappedUnionType).types.find((b) => avro.Type.isType(b, 'record')) : undefined;
      const isNullable = !avro.Type.isType(t, 'record');
      const branches = isNullable && record ? (t as avro.types.UnwrappedUnionType).types : [];
      if (!record || (isNullable && !(branches.length === 2 && branches.some((b) => avro.Type.isType(b, 'null'))))) {
        throw new Error(`${name}.${field.name} is not a record or a union of null and a record`);
      }
      // One projected record per name: `before` and `after` share it (a name is defined once).
      const innerKey = `${record.name}\u0000${keep.join(',')}`;
      let narrowed = inner.get(innerKey);
      if (!narrowed) {
        narrowed = projectRecord(record as avro.types.RecordType, keep, (f) => f.type);
        inner.set(innerKey, narrowed);
      }
      return isNullable ? avro.Type.forSchema(['null', narrowed] as unknown as avro.Schema, { logicalTypes: LOGICAL_TYPES }) : narrowed;
    });
    projected.set(key, type);
  }
  return type;
}

/** A record type with the same name as `full` and only `fields` of it, their types given by `typeOf`. */
function projectRecord(full: avro.types.RecordType, fields: readonly string[], typeOf: (field: avro.types.Field) => avro.Type): avro.Type {
  // Defaults as the schema writes them (JSON), for writers without the field.
  const defaults = new Map(((full.schema({ exportAttrs: true }) as { fields: { name: string; default?: unknown }[] }).fields ?? []).filter((f) => 'default' in f).map((f) => [f.name, f.default]));
  const kept = fields.map((f) => {
    const field = full.field(f);
    if (!field) throw new Error(`${full.name} has no field ${f}`);
    return field;
  });
  return avro.Type.forSchema(
    // Field types are the contract's own type objects: nested named types are not redefined.
    { type: 'record', name: full.name!, fields: kept.map((f) => ({ name: f.name, type: typeOf(f), ...(defaults.has(f.name) ? { default: defaults.get(f.name) } : {}) })) },
    { logicalTypes: LOGICAL_TYPES },
  );
}
