import type { Type } from 'avsc';
import { parseAvroSchema } from './avro-schema';
import type { CompatibilityLevel } from './compatibility-level';

/** A registered version of a subject, oldest first when given as a list. */
export interface PreviousSchema {
  readonly version: number;
  /** Avro schema as JSON text, or an already parsed avsc type. */
  readonly schema: string | Type;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** One message per failed check, naming the version, the direction and avsc's reason. */
  readonly messages: readonly string[];
}

interface Rule {
  readonly backward: boolean;
  readonly forward: boolean;
  readonly transitive: boolean;
}

const RULES: Record<CompatibilityLevel, Rule | undefined> = {
  NONE: undefined,
  BACKWARD: { backward: true, forward: false, transitive: false },
  BACKWARD_TRANSITIVE: { backward: true, forward: false, transitive: true },
  FORWARD: { backward: false, forward: true, transitive: false },
  FORWARD_TRANSITIVE: { backward: false, forward: true, transitive: true },
  FULL: { backward: true, forward: true, transitive: false },
  FULL_TRANSITIVE: { backward: true, forward: true, transitive: true },
};

/**
 * Avro schema evolution rules of the Confluent levels, decided by avsc's schema resolution
 * (`reader.createResolver(writer)` throws when the reader cannot read the writer's data):
 * - BACKWARD: the new schema (reader) reads data written with the old one (writer);
 * - FORWARD: the old schema reads data written with the new one;
 * - FULL: both; `*_TRANSITIVE` checks every previous version, the others only the latest.
 *
 * Named types are matched by unqualified name (and aliases), like Avro's Java
 * `SchemaCompatibility` that Confluent uses, so moving a record to another namespace is allowed.
 */
export class AvroCompatibility {
  check(candidate: string | Type, previous: readonly PreviousSchema[], level: CompatibilityLevel): CompatibilityResult {
    const rule = RULES[level];
    if (rule === undefined || previous.length === 0) return { compatible: true, messages: [] };
    const newType = toType(candidate);
    const checked = rule.transitive ? previous : previous.slice(-1);
    const messages: string[] = [];
    for (const old of checked) {
      const oldType = toType(old.schema);
      if (rule.backward) {
        const reason = resolveError(newType, oldType);
        if (reason)
          messages.push(
            `Incompatible with version ${old.version} (${level}): the new schema cannot read data written with version ${old.version}: ${reason}`,
          );
      }
      if (rule.forward) {
        const reason = resolveError(oldType, newType);
        if (reason)
          messages.push(
            `Incompatible with version ${old.version} (${level}): readers using version ${old.version} cannot read data written with the new schema: ${reason}`,
          );
      }
    }
    return { compatible: messages.length === 0, messages };
  }
}

function toType(schema: string | Type): Type {
  return typeof schema === 'string' ? parseAvroSchema(schema).type : schema;
}

/** avsc's reason why `reader` cannot read data written with `writer`, or undefined when it can. */
function resolveError(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer, { ignoreNamespaces: true });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
