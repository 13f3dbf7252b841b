/**
 * Topic names and topic configs, in one place (DESIGN §2 "Topics"). A prefix (empty in
 * production) gives each test its own topics.
 */
export const ENTITY_TYPES = ['organisation', 'person', 'group', 'activity'] as const;
export type EntityName = (typeof ENTITY_TYPES)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicDefinition {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicOptions {
  /** Prepended to every name (tests use a unique one). */
  readonly prefix?: string;
  readonly partitions?: number;
  /** Retention of the change-event topics; default 30 days. */
  readonly eventsRetentionMs?: number;
}

export class TopicNames {
  constructor(readonly prefix = '') {}

  imports(entity: EntityName | (string & {})): string {
    return `${this.prefix}stafett.${entity}.imports.v1`;
  }

  events(entity: EntityName | (string & {})): string {
    return `${this.prefix}stafett.${entity}.events.v1`;
  }

  state(entity: EntityName | (string & {})): string {
    return `${this.prefix}stafett.${entity}.state.v1`;
  }

  get importResults(): string {
    return `${this.prefix}stafett.imports.results.v1`;
  }

  get dlq(): string {
    return `${this.prefix}stafett.dlq.v1`;
  }

  /** Integration agreements (compacted, key: connector id; a tombstone removes the connector), as Kafka Connect keeps its configs. */
  get connectors(): string {
    return `${this.prefix}stafett.connectors.v1`;
  }
}

/** The Confluent topic-name strategy: the subject of a topic's values. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The DLQ's `max.message.bytes`: twice the broker default, so the original bytes always fit with the DLQ headers. */
export const DLQ_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** Every topic the platform uses, with its partitions and configs. */
export function topicDefinitions(options: TopicOptions = {}): TopicDefinition[] {
  const names = new TopicNames(options.prefix);
  const numPartitions = options.partitions ?? 6;
  return [
    ...ENTITY_TYPES.flatMap((e) => entityTopicDefinitions(e, options)),
    { topic: names.importResults, numPartitions, configs: retain(7 * DAY_MS) },
    // A record as large as any other topic takes (1 MiB by default) still fits with its provenance headers.
    { topic: names.dlq, numPartitions, configs: { ...retain(30 * DAY_MS), 'max.message.bytes': String(DLQ_MAX_MESSAGE_BYTES) } },
    { topic: names.connectors, numPartitions: 1, configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(DAY_MS), 'min.cleanable.dirty.ratio': '0.1' } },
  ];
}

/** An entity's imports, events and state topics (also for an entity outside the canonical four, e.g. in tests). */
export function entityTopicDefinitions(entity: string, options: TopicOptions = {}): TopicDefinition[] {
  const names = new TopicNames(options.prefix);
  const numPartitions = options.partitions ?? 6;
  return [
    { topic: names.imports(entity), numPartitions, configs: retain(7 * DAY_MS) },
    { topic: names.events(entity), numPartitions, configs: retain(options.eventsRetentionMs ?? 30 * DAY_MS) },
    // Latest state per entity id; a tombstone (null) removes it after delete.retention.ms.
    { topic: names.state(entity), numPartitions, configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(DAY_MS), 'min.cleanable.dirty.ratio': '0.1' } },
  ];
}

const retain = (ms: number) => ({ 'cleanup.policy': 'delete', 'retention.ms': String(ms) });

/**
 * Header of an import record submitted through an organisation-scoped API key (`POST /v1/imports`):
 * the key's organisation id. The record may only create or change entities in that organisation's
 * subtree; records without the header come from global keys or from systems producing to Kafka directly.
 */
export const IMPORT_SCOPE_HEADER = 'stafett.scope';
