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
 * (the projections). The record keeps its full name, so it resolves against any compatible writer.
 */
export function projectedType(name: ContractName, fields: readonly string[]): avro.Type {
  const key = `${name}\u0000${fields.join(',')}`;
  let type = projected.get(key);
  if (!type) {
    const full = contractType(name) as avro.types.RecordType;
    // Defaults as the schema writes them (JSON), for writers without the field.
    const defaults = new Map(((full.schema({ exportAttrs: true }) as { fields: { name: string; default?: unknown }[] }).fields ?? []).filter((f) => 'default' in f).map((f) => [f.name, f.default]));
    const kept = fields.map((f) => {
      const field = full.field(f);
      if (!field) throw new Error(`${name} has no field ${f}`);
      return field;
    });
    type = avro.Type.forSchema(
      // Field types are the contract's own type objects: nested named types are not redefined.
      { type: 'record', name: full.name!, fields: kept.map((f) => ({ name: f.name, type: f.type, ...(defaults.has(f.name) ? { default: defaults.get(f.name) } : {}) })) },
      { logicalTypes: LOGICAL_TYPES },
    );
    projected.set(key, type);
  }
  return type;
}
