import { ENTITY_TYPES, entityContracts, type ContractName, type EntityName } from '@stafett/contracts';

/** What a sink handler's `@EventPattern` names: an entity's change log or its compacted state topic. */
export type SinkTopicKind = 'events' | 'state';

export interface SinkTopic {
  /** The pattern as the handler declares it, without any prefix, e.g. `stafett.person.events.v1`. */
  readonly pattern: string;
  /** The topic consumed: the pattern behind the configured prefix. */
  readonly topic: string;
  readonly entity: EntityName;
  readonly kind: SinkTopicKind;
  /** The reader schema: the `<Entity>Changed` envelope (events) or the `<Entity>` (state). */
  readonly contract: ContractName;
}

const PATTERN = /^stafett\.([a-z]+)\.(events|state)\.v1$/;

/**
 * Resolves a handler's pattern to the topic the transport consumes. Anything but an entity's
 * events or state topic is refused with what was expected, so a typo fails at `listen`, not silently.
 */
export function resolveSinkTopic(pattern: string, prefix = ''): SinkTopic {
  const match = PATTERN.exec(pattern);
  const entity = match?.[1] as EntityName | undefined;
  if (!match || !entity || !(ENTITY_TYPES as readonly string[]).includes(entity)) {
    const shown = JSON.stringify(pattern.length > 120 ? `${pattern.slice(0, 120)}…` : pattern);
    throw new Error(
      `@EventPattern(${shown}) is not a topic a sink can follow: expected stafett.<entity>.events.v1 or stafett.<entity>.state.v1 with <entity> one of ${ENTITY_TYPES.join(', ')} (without the topic prefix)`,
    );
  }
  const kind = match[2] as SinkTopicKind;
  const contracts = entityContracts(entity);
  return { pattern, topic: `${prefix}${pattern}`, entity, kind, contract: kind === 'events' ? contracts.changed : contracts.state };
}
