import type { Address, ExternalId, Organisation, OrganisationStatus, OrganisationType } from '@stafett/contracts';

/** A club's membership of a federation (specialidrottsförbund), for one sport or all of them (`sport: null`). */
export interface FederationState {
  readonly organisationId: string;
  readonly sport: string | null;
}

/** An organisation as the service keeps it: every field present (null when empty), in contract order. */
export interface OrganisationState {
  readonly id: string;
  readonly type: OrganisationType;
  readonly name: string;
  readonly organisationNumber: string | null;
  readonly parentId: string | null;
  readonly municipalityCode: string | null;
  readonly sports: readonly string[];
  readonly email: string | null;
  readonly phone: string | null;
  readonly address: Address | null;
  readonly status: OrganisationStatus;
  readonly externalIds: readonly ExternalId[];
  readonly federations: readonly FederationState[];
}

export const ORGANISATION_TYPES: readonly OrganisationType[] = ['CONFEDERATION', 'FEDERATION', 'DISTRICT', 'CLUB', 'SECTION', 'OTHER'];
export const ORGANISATION_STATUSES: readonly OrganisationStatus[] = ['ACTIVE', 'INACTIVE'];

/** The fields an import or a REST write may set (all but id and externalIds). */
export const WRITABLE_FIELDS = [
  'type',
  'name',
  'organisationNumber',
  'parentId',
  'municipalityCode',
  'sports',
  'email',
  'phone',
  'address',
  'status',
  'federations',
] as const satisfies readonly (keyof OrganisationState)[];
export type WritableField = (typeof WRITABLE_FIELDS)[number];

/** A validated partial update: only the fields present are written; `null` clears a nullable one. */
export type OrganisationPatch = { -readonly [K in WritableField]?: OrganisationState[K] };

/** Contract order (`federations` was added last, after `externalIds`). */
export const ALL_FIELDS = [
  'type',
  'name',
  'organisationNumber',
  'parentId',
  'municipalityCode',
  'sports',
  'email',
  'phone',
  'address',
  'status',
  'externalIds',
  'federations',
] as const;

/** The fields whose values differ between two states, in contract order. */
export function changedFields(before: OrganisationState | undefined, after: OrganisationState): string[] {
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

/** The organisations an organisation belongs to (for organisation-scoped keys): itself, its parent and its federations. */
export function organisationsOf(state: { readonly id: string; readonly parentId: string | null; readonly federations: readonly { readonly organisationId: string }[] }): string[] {
  const ids = [state.id];
  if (state.parentId) ids.push(state.parentId);
  for (const f of state.federations) if (!ids.includes(f.organisationId)) ids.push(f.organisationId);
  return ids;
}

/** The contract shape published on the topics. */
export function toContract(o: OrganisationState): Organisation {
  return {
    id: o.id,
    type: o.type,
    name: o.name,
    organisationNumber: o.organisationNumber,
    parentId: o.parentId,
    municipalityCode: o.municipalityCode,
    sports: [...o.sports],
    email: o.email,
    phone: o.phone,
    address: o.address
      ? { street: o.address.street ?? null, postalCode: o.address.postalCode ?? null, city: o.address.city ?? null, countryCode: o.address.countryCode ?? null }
      : null,
    status: o.status,
    externalIds: o.externalIds.map((e) => ({ system: e.system, id: e.id })),
    federations: o.federations.map((f) => ({ organisationId: f.organisationId, sport: f.sport })),
  };
}

/** Applies a patch: a new organisation needs the required fields, an existing one keeps what the patch does not name. */
export function applyPatch(id: string, existing: OrganisationState | undefined, patch: OrganisationPatch, externalIds: readonly ExternalId[]): OrganisationState {
  const base: OrganisationState = existing ?? {
    id,
    type: 'OTHER',
    name: '',
    organisationNumber: null,
    parentId: null,
    municipalityCode: null,
    sports: [],
    email: null,
    phone: null,
    address: null,
    status: 'ACTIVE',
    externalIds: [],
    federations: [],
  };
  const next: { -readonly [K in keyof OrganisationState]: OrganisationState[K] } = { ...base, externalIds };
  for (const field of WRITABLE_FIELDS) {
    if (field in patch) (next as Record<string, unknown>)[field] = patch[field];
  }
  return next;
}
