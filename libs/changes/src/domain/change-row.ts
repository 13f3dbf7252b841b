import type avro from 'avsc';
import { entityContracts, projectedType, type ActivityChanged, type EntityName, type GroupChanged, type Organisation, type OrganisationChanged, type PersonChanged } from '@stafett/contracts';

/** A change envelope of any of the four entities, as decoded with its `<Entity>Changed` contract. */
export type AnyChanged = OrganisationChanged | PersonChanged | GroupChanged | ActivityChanged;

/** A JSON value as the API answers it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One row of `changes.change`, before Postgres gives it its seq. */
export interface ChangeRow {
  readonly entity: EntityName;
  readonly entityId: string;
  readonly version: number;
  readonly op: string;
  readonly occurredAt: Date;
  /** The event as the events topic carried it (Confluent wire format); the API renders it with {@link toJson}. */
  readonly avro: Buffer;
  /** The organisations the entity belongs to (for organisation-scoped keys). */
  readonly organisationIds: string[];
}

/** A parent → child edge of the organisation tree (parentId, and each federation the organisation belongs to). */
export interface OrganisationEdge {
  readonly parentId: string;
  readonly childId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A decoded Avro value as JSON, the way the REST API writes it: the reader's logical types already
 * give dates as `YYYY-MM-DD` strings and timestamps as `Date`s, written here as ISO 8601 UTC. Keys
 * keep the contract's order.
 */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object': {
      const out: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJson(v);
      return out;
    }
    default:
      return null;
  }
}

/** The envelope fields the change log reads: the row's columns, and `before`/`after` for the erasure check and the organisations. */
const CHANGE_LOG_FIELDS = ['entityId', 'version', 'op', 'occurredAt', 'before', 'after'];

/** The state fields {@link organisationIdsOf} reads, per entity. */
const CHANGE_LOG_STATE_FIELDS: Record<EntityName, readonly string[]> = {
  organisation: ['id', 'parentId', 'federations'],
  person: ['memberships'],
  group: ['organisationId'],
  activity: ['organisationId'],
};

/**
 * The reader type of an entity's events for the change log: only what {@link toChangeRow} reads is
 * decoded (every change of the register passes here; a person's names, address, identity and the
 * envelope's source are skipped, not built). The row keeps the event's bytes whole, so the API
 * answers the whole event.
 */
export function changeLogReader(entity: EntityName): avro.Type {
  const state = CHANGE_LOG_STATE_FIELDS[entity];
  return projectedType(entityContracts(entity).changed, CHANGE_LOG_FIELDS, { before: state, after: state });
}

/** A DELETE that carries nothing of the entity (`before: null`): an erasure of personal data (GDPR, protected identity). */
export function isErasure(event: AnyChanged): boolean {
  return event.op === 'DELETE' && (event.before === null || event.before === undefined);
}

const idOf = (value: unknown): string | undefined => (typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined);

/** `federations[].organisationId` when the organisation contract carries it (a later version may). */
function federationsOf(organisation: object): string[] {
  const federations = (organisation as { federations?: unknown }).federations;
  if (!Array.isArray(federations)) return [];
  return federations.flatMap((f: unknown) => {
    const id = typeof f === 'object' && f !== null ? idOf((f as { organisationId?: unknown }).organisationId) : undefined;
    return id ? [id] : [];
  });
}

/**
 * The organisations an entity belongs to, from `after ?? before`: an organisation itself, its
 * parent and its federations; a person's memberships; a group's or an activity's organisation.
 */
export function organisationIdsOf(entity: EntityName, event: AnyChanged): string[] {
  const state: unknown = event.after ?? event.before;
  if (typeof state !== 'object' || state === null) return [];
  const ids: (string | undefined)[] = [];
  switch (entity) {
    case 'organisation': {
      const o = state as { id?: unknown; parentId?: unknown };
      ids.push(idOf(o.id), idOf(o.parentId), ...federationsOf(state));
      break;
    }
    case 'person': {
      const memberships = (state as { memberships?: unknown }).memberships;
      if (Array.isArray(memberships)) for (const m of memberships as unknown[]) ids.push(idOf((m as { organisationId?: unknown } | null)?.organisationId));
      break;
    }
    case 'group':
    case 'activity':
      ids.push(idOf((state as { organisationId?: unknown }).organisationId));
      break;
  }
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The edges an organisation's state puts in the tree: parent → it, and each federation → it. */
export function organisationEdgesOf(organisation: Organisation): OrganisationEdge[] {
  const childId = idOf(organisation.id);
  if (!childId) return [];
  const parents = [idOf(organisation.parentId), ...federationsOf(organisation)].filter((id): id is string => id !== undefined && id !== childId);
  return [...new Set(parents)].map((parentId) => ({ parentId, childId }));
}

/** A consumed event: decoded, and the bytes it came as (the Confluent wire format, kept as they are). */
export interface ConsumedChange {
  readonly value: AnyChanged;
  readonly avro: Buffer;
}

/** The row of the change log for one event. */
export function toChangeRow(entity: EntityName, change: ConsumedChange): ChangeRow {
  const event = change.value;
  return {
    entity,
    entityId: event.entityId.toLowerCase(),
    version: event.version,
    op: event.op,
    occurredAt: event.occurredAt,
    avro: change.avro,
    organisationIds: organisationIdsOf(entity, event),
  };
}
