import type { Address, ExternalId, Person, PersonStatus, Sex } from '@stafett/contracts';

export interface MembershipState {
  readonly organisationId: string;
  readonly from: string;
  readonly to: string | null;
}

/** A person as the service keeps it: every field present (null when empty), in contract order. */
export interface PersonState {
  readonly id: string;
  readonly personalIdentityNumber: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly birthDate: string;
  readonly sex: Sex;
  readonly address: Address | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly status: PersonStatus;
  readonly memberships: readonly MembershipState[];
  readonly guardians: readonly { readonly personId: string }[];
  readonly disability: boolean;
  readonly externalIds: readonly ExternalId[];
}

/** The fields an import or a REST write may set (all but id and externalIds). */
export const WRITABLE_FIELDS = [
  'personalIdentityNumber',
  'firstName',
  'lastName',
  'birthDate',
  'sex',
  'address',
  'email',
  'phone',
  'status',
  'memberships',
  'guardians',
  'disability',
] as const satisfies readonly (keyof PersonState)[];
export type WritableField = (typeof WRITABLE_FIELDS)[number];

/** A validated partial update: only the fields present are written; `null` clears a nullable one. */
export type PersonPatch = { -readonly [K in WritableField]?: PersonState[K] };

export const ALL_FIELDS = [...WRITABLE_FIELDS, 'externalIds'] as const;

/** The fields whose values differ between two states, in contract order. */
export function changedFields(before: PersonState | undefined, after: PersonState): string[] {
  return ALL_FIELDS.filter((f) => !before || !sameValue(before[f], after[f]));
}

/** Structural equality (key order ignored: jsonb does not keep it). */
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
export function toContract(p: PersonState): Person {
  return {
    id: p.id,
    personalIdentityNumber: p.personalIdentityNumber,
    firstName: p.firstName,
    lastName: p.lastName,
    birthDate: p.birthDate,
    sex: p.sex,
    address: p.address,
    email: p.email,
    phone: p.phone,
    status: p.status,
    memberships: p.memberships.map((m) => ({ organisationId: m.organisationId, from: m.from, to: m.to })),
    guardians: p.guardians.map((g) => ({ personId: g.personId })),
    disability: p.disability,
    externalIds: p.externalIds.map((e) => ({ system: e.system, id: e.id })),
  };
}

/**
 * The memberships of an import payload merged into the person's: each organisation the payload
 * names gets exactly the payload's memberships of it (in the place of its first existing one);
 * memberships of organisations it does not name are kept. So one club's member file never drops a
 * person's memberships of other clubs. (A payload that also clears `memberships` replaces them all.)
 */
export function mergeMemberships(existing: readonly MembershipState[], given: readonly MembershipState[]): MembershipState[] {
  const named = new Set(given.map((m) => m.organisationId));
  const placed = new Set<string>();
  const merged: MembershipState[] = [];
  for (const m of existing) {
    if (!named.has(m.organisationId)) merged.push(m);
    else if (!placed.has(m.organisationId)) {
      placed.add(m.organisationId);
      merged.push(...given.filter((g) => g.organisationId === m.organisationId));
    }
  }
  merged.push(...given.filter((g) => !placed.has(g.organisationId)));
  return merged;
}

/** Applies a patch: a new person needs the required fields, an existing one keeps what the patch does not name. */
export function applyPatch(id: string, existing: PersonState | undefined, patch: PersonPatch, externalIds: readonly ExternalId[]): PersonState {
  const base: PersonState = existing ?? {
    id,
    personalIdentityNumber: null,
    firstName: '',
    lastName: '',
    birthDate: '',
    sex: 'UNKNOWN',
    address: null,
    email: null,
    phone: null,
    status: 'ACTIVE',
    memberships: [],
    guardians: [],
    disability: false,
    externalIds: [],
  };
  const next: { -readonly [K in keyof PersonState]: PersonState[K] } = { ...base, externalIds };
  for (const field of WRITABLE_FIELDS) {
    if (field in patch) (next as Record<string, unknown>)[field] = patch[field];
  }
  return next;
}
