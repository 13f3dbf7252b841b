import type { Activity, ActivityStatus, ActivityType, ExternalId, Role } from '@stafett/contracts';

export interface ParticipantState {
  readonly personId: string;
  readonly role: Role;
  readonly attended: boolean;
}

/**
 * An activity as the service keeps it: every field present (null when empty), in contract order.
 * Instants are ISO 8601 UTC strings with milliseconds (`2026-11-30T17:00:00.000Z`): they compare
 * as values (a `Date` is an object) and order as text; the contract's timestamp-millis is made in `toContract`.
 */
export interface ActivityState {
  readonly id: string;
  readonly organisationId: string;
  readonly groupId: string | null;
  readonly type: ActivityType;
  readonly title: string;
  readonly sport: string | null;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly location: string | null;
  readonly status: ActivityStatus;
  readonly participants: readonly ParticipantState[];
  readonly externalIds: readonly ExternalId[];
}

/** The fields an import or a REST write may set (all but id and externalIds). */
export const WRITABLE_FIELDS = [
  'organisationId',
  'groupId',
  'type',
  'title',
  'sport',
  'startsAt',
  'endsAt',
  'location',
  'status',
  'participants',
] as const satisfies readonly (keyof ActivityState)[];
export type WritableField = (typeof WRITABLE_FIELDS)[number];

/** A validated partial update: only the fields present are written; `null` clears a nullable one. */
export type ActivityPatch = { -readonly [K in WritableField]?: ActivityState[K] };

export const ALL_FIELDS = [...WRITABLE_FIELDS, 'externalIds'] as const;

export const ACTIVITY_TYPES: readonly ActivityType[] = ['TRAINING', 'MATCH', 'COMPETITION', 'CAMP', 'MEETING', 'OTHER'];
export const ACTIVITY_STATUSES: readonly ActivityStatus[] = ['PLANNED', 'HELD', 'CANCELLED'];
export const ROLES: readonly Role[] = ['LEADER', 'PARTICIPANT'];

/** The fields whose values differ between two states, in contract order. */
export function changedFields(before: ActivityState | undefined, after: ActivityState): string[] {
  return ALL_FIELDS.filter((f) => !before || !sameValue(before[f], after[f]));
}

/** Structural equality (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameValue(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The contract shape published on the topics. */
export function toContract(a: ActivityState): Activity {
  return {
    id: a.id,
    organisationId: a.organisationId,
    groupId: a.groupId,
    type: a.type,
    title: a.title,
    sport: a.sport,
    startsAt: new Date(a.startsAt),
    endsAt: new Date(a.endsAt),
    location: a.location,
    status: a.status,
    participants: a.participants.map((p) => ({ personId: p.personId, role: p.role, attended: p.attended })),
    externalIds: a.externalIds.map((e) => ({ system: e.system, id: e.id })),
  };
}

/** Applies a patch: a new activity needs the required fields (validation saw to it), an existing one keeps what the patch does not name. */
export function applyPatch(id: string, existing: ActivityState | undefined, patch: ActivityPatch, externalIds: readonly ExternalId[]): ActivityState {
  const base: ActivityState = existing ?? {
    id,
    organisationId: '',
    groupId: null,
    type: 'OTHER',
    title: '',
    sport: null,
    startsAt: '',
    endsAt: '',
    location: null,
    status: 'PLANNED',
    participants: [],
    externalIds: [],
  };
  const next: { -readonly [K in keyof ActivityState]: ActivityState[K] } = { ...base, externalIds };
  for (const field of WRITABLE_FIELDS) {
    if (field in patch) (next as Record<string, unknown>)[field] = patch[field];
  }
  return next;
}
