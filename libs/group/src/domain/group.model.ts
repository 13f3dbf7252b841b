import type { ExternalId, Group, GroupStatus, GroupType, Role } from '@stafett/contracts';

export const GROUP_TYPES: readonly GroupType[] = ['TRAINING', 'TEAM', 'COMMITTEE', 'OTHER'];
export const GROUP_STATUSES: readonly GroupStatus[] = ['ACTIVE', 'INACTIVE'];
export const ROLES: readonly Role[] = ['LEADER', 'PARTICIPANT'];

/** One member of a group: a person in a role from a date and, when it ended, to a date (inclusive). */
export interface MemberState {
  readonly personId: string;
  readonly role: Role;
  /** YYYY-MM-DD */
  readonly from: string;
  /** YYYY-MM-DD, the last day; null while the membership lasts. */
  readonly to: string | null;
}

/** A group as the service keeps it: every field present (null when empty), in contract order. */
export interface GroupState {
  readonly id: string;
  readonly organisationId: string;
  readonly name: string;
  readonly type: GroupType;
  readonly sport: string | null;
  readonly members: readonly MemberState[];
  readonly status: GroupStatus;
  readonly externalIds: readonly ExternalId[];
}

/** The fields an import or a REST write may set (all but id and externalIds). */
export const WRITABLE_FIELDS = ['organisationId', 'name', 'type', 'sport', 'members', 'status'] as const satisfies readonly (keyof GroupState)[];
export type WritableField = (typeof WRITABLE_FIELDS)[number];

/** A validated partial update: only the fields present are written; `null` clears a nullable one. */
export type GroupPatch = { -readonly [K in WritableField]?: GroupState[K] };

export const ALL_FIELDS = [...WRITABLE_FIELDS, 'externalIds'] as const;

/** The fields whose values differ between two states, in contract order. */
export function changedFields(before: GroupState | undefined, after: GroupState): string[] {
  return ALL_FIELDS.filter((f) => !before || !sameValue(before[f], after[f]));
}

/** Structural equality of plain values (arrays in order, objects by key). */
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
export function toContract(g: GroupState): Group {
  return {
    id: g.id,
    organisationId: g.organisationId,
    name: g.name,
    type: g.type,
    sport: g.sport,
    members: g.members.map((m) => ({ personId: m.personId, role: m.role, from: m.from, to: m.to })),
    status: g.status,
    externalIds: g.externalIds.map((e) => ({ system: e.system, id: e.id })),
  };
}

/** Applies a patch: a new group needs the required fields (validation saw to it), an existing one keeps what the patch does not name. */
export function applyPatch(id: string, existing: GroupState | undefined, patch: GroupPatch, externalIds: readonly ExternalId[]): GroupState {
  const base: GroupState = existing ?? { id, organisationId: '', name: '', type: 'OTHER', sport: null, members: [], status: 'ACTIVE', externalIds: [] };
  const next: { -readonly [K in keyof GroupState]: GroupState[K] } = { ...base, externalIds };
  for (const field of WRITABLE_FIELDS) {
    if (field in patch) (next as Record<string, unknown>)[field] = patch[field];
  }
  return next;
}

/** Whether two memberships of one person share a day (`to` is the last day; null: open-ended). */
export function periodsOverlap(a: Pick<MemberState, 'from' | 'to'>, b: Pick<MemberState, 'from' | 'to'>): boolean {
  return (b.to === null || a.from <= b.to) && (a.to === null || b.from <= a.to);
}

/** Whether a membership is in force on a day (YYYY-MM-DD). */
export function activeOn(m: Pick<MemberState, 'from' | 'to'>, day: string): boolean {
  return m.from <= day && (m.to === null || day <= m.to);
}
