import avro from 'avsc';
import { CONTRACT_SCHEMAS, type ContractName } from './generated/contracts.generated';
import { LOGICAL_TYPES } from './logical-types';
import type { EntityName } from './topics';

const cache = new Map<string, avro.Type>();

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
