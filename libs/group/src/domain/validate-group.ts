import type { GroupImportPayload, Reason, Reference } from '@stafett/contracts';
import { optionalText, parseCalendarDate, parsePersonalIdentityNumber, ReasonCode, requiredEnum, requiredText } from '@stafett/domain';
import type { ForeignReference, ReferenceResolver } from '@stafett/entity-pipeline';
import { GROUP_STATUSES, GROUP_TYPES, periodsOverlap, ROLES, type GroupPatch, type GroupState, type MemberState, type WritableField } from './group.model';

const CLEARABLE: ReadonlySet<string> = new Set(['sport', 'members']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NAME_MAX = 200;
export const SPORT_MAX = 100;

/**
 * A reference in the one form the projections resolve: an id (lower-case uuid), a source link
 * `{system, externalId}`, or for persons a normalized personnummer. Anything else is a reason
 * naming `field` (never quoting the personnummer).
 */
export function normalizeReference(ref: Reference, kind: 'organisation' | 'person', field: string): { ref: Reference } | { error: Reason } {
  const id = ref.id?.trim() || undefined;
  // A source's ids are taken as they are (the projection keeps them so); blank counts as absent.
  const system = ref.system?.trim() ? ref.system : undefined;
  const externalId = ref.externalId?.trim() ? ref.externalId : undefined;
  const pnr = ref.personalIdentityNumber?.trim() || undefined;
  const forms = [id !== undefined, system !== undefined || externalId !== undefined, pnr !== undefined].filter(Boolean).length;
  const allowed = kind === 'person' ? 'an id, a {system, externalId} link or a personalIdentityNumber' : 'an id or a {system, externalId} link';
  if (forms === 0) return { error: { code: ReasonCode.REQUIRED, field, message: `A reference to a ${kind} needs ${allowed}.` } };
  if (forms > 1) return { error: { code: ReasonCode.INVALID_FORMAT, field, message: `A reference to a ${kind} gives exactly one of ${allowed}.` } };
  if (id !== undefined) {
    if (!UUID.test(id)) return { error: { code: ReasonCode.INVALID_FORMAT, field: `${field}.id`, message: `A ${kind} id is a uuid.` } };
    return { ref: { id: id.toLowerCase() } };
  }
  if (pnr !== undefined) {
    if (kind !== 'person') return { error: { code: ReasonCode.INVALID_FORMAT, field, message: `A reference to a ${kind} needs ${allowed}.` } };
    const parsed = parsePersonalIdentityNumber(pnr);
    if (!parsed.ok) return { error: { code: parsed.code, field: `${field}.personalIdentityNumber`, message: parsed.message } };
    return { ref: { personalIdentityNumber: parsed.value.normalized } };
  }
  if (system === undefined || externalId === undefined) {
    return {
      error: { code: ReasonCode.REQUIRED, field: `${field}.${system === undefined ? 'system' : 'externalId'}`, message: 'A link reference needs both system and externalId.' },
    };
  }
  return { ref: { system, externalId } };
}

/** The references a payload makes to organisations and persons (normalized; malformed ones left out: validation names them). */
export function foreignReferencesOf(payload: GroupImportPayload | null): ForeignReference[] {
  if (!payload) return [];
  const out: ForeignReference[] = [];
  if (payload.organisation) {
    const n = normalizeReference(payload.organisation, 'organisation', 'organisation');
    if ('ref' in n) out.push({ entity: 'organisation', ref: n.ref });
  }
  for (const m of payload.members ?? []) {
    const n = normalizeReference(m.person, 'person', 'person');
    if ('ref' in n) out.push({ entity: 'person', ref: n.ref });
  }
  return out;
}

/**
 * The group regelverk for one payload, the same for imports and REST writes: every refusal names
 * its field (`organisation`, `members[3].person`, `members[1].to`) and a reason code. A reference
 * that does not resolve is UNKNOWN_REFERENCE (imports refused only for that are parked and retried).
 */
export function validateGroupPayload(
  payload: GroupImportPayload,
  existing: GroupState | undefined,
  refs: Pick<ReferenceResolver<GroupState>, 'foreign'>,
): { patch: GroupPatch; errors: Reason[] } {
  const errors: Reason[] = [];
  const patch: GroupPatch = {};

  if (payload.organisation != null) {
    const n = normalizeReference(payload.organisation, 'organisation', 'organisation');
    if ('error' in n) errors.push(n.error);
    else {
      const id = refs.foreign('organisation', n.ref);
      if (id === undefined) errors.push({ code: ReasonCode.UNKNOWN_REFERENCE, field: 'organisation', message: 'No such organisation is known (by id or external id).' });
      else patch.organisationId = id;
    }
  }
  if (payload.name != null) {
    const name = requiredText(payload.name, 'name', NAME_MAX);
    if (name.ok) patch.name = name.value;
    else errors.push({ code: name.code, field: 'name', message: name.message });
  }
  if (payload.type != null) {
    const type = requiredEnum(payload.type, 'type', GROUP_TYPES);
    if (type.ok) patch.type = type.value;
    else errors.push({ code: type.code, field: 'type', message: type.message });
  }
  if (payload.sport != null) {
    const sport = optionalText(payload.sport, 'sport', SPORT_MAX);
    if (sport.ok) patch.sport = sport.value ?? null;
    else errors.push({ code: sport.code, field: 'sport', message: sport.message });
  }
  if (payload.status != null) {
    const status = requiredEnum(payload.status, 'status', GROUP_STATUSES);
    if (status.ok) patch.status = status.value;
    else errors.push({ code: status.code, field: 'status', message: status.message });
  }
  if (payload.members != null) patch.members = validateMembers(payload.members, refs, errors);

  for (const field of payload.clearFields ?? []) {
    if (!CLEARABLE.has(field)) {
      errors.push({ code: ReasonCode.REQUIRED, field, message: `${field} cannot be cleared; clearable fields are ${[...CLEARABLE].join(', ')}.` });
      continue;
    }
    const f = field as WritableField;
    (patch as Record<string, unknown>)[f] = f === 'members' ? [] : null;
  }

  if (!existing) {
    const required: [WritableField, string][] = [
      ['organisationId', 'organisation'],
      ['name', 'name'],
      ['type', 'type'],
    ];
    for (const [key, field] of required) {
      if (patch[key] === undefined && !errors.some((e) => e.field === field || e.field?.startsWith(`${field}.`))) {
        errors.push({ code: ReasonCode.REQUIRED, field, message: `${field} is required for a new group.` });
      }
    }
  }
  return { patch, errors };
}

function validateMembers(members: NonNullable<GroupImportPayload['members']>, refs: Pick<ReferenceResolver<GroupState>, 'foreign'>, errors: Reason[]): MemberState[] {
  const out: { member: MemberState; index: number }[] = [];
  members.forEach((m, i) => {
    const field = `members[${i}]`;
    const before = errors.length;
    let personId: string | undefined;
    const n = normalizeReference(m.person, 'person', `${field}.person`);
    if ('error' in n) errors.push(n.error);
    else {
      personId = refs.foreign('person', n.ref);
      if (personId === undefined) {
        errors.push({ code: ReasonCode.UNKNOWN_REFERENCE, field: `${field}.person`, message: 'No such person is known (by id, external id or personal identity number).' });
      }
    }
    const role = requiredEnum(m.role, `${field}.role`, ROLES);
    if (!role.ok) errors.push({ code: role.code, field: `${field}.role`, message: role.message });
    const from = parseCalendarDate(m.from);
    if (!from.ok) errors.push({ code: from.code, field: `${field}.from`, message: from.message });
    let to: string | null = null;
    if (m.to != null) {
      const parsed = parseCalendarDate(m.to);
      if (!parsed.ok) errors.push({ code: parsed.code, field: `${field}.to`, message: parsed.message });
      else if (from.ok && parsed.value < from.value) errors.push({ code: ReasonCode.INVALID_DATE, field: `${field}.to`, message: 'A membership cannot end before it starts.' });
      else to = parsed.value;
    }
    if (errors.length === before && personId !== undefined && role.ok && from.ok) out.push({ member: { personId, role: role.value, from: from.value, to }, index: i });
  });
  // A person may be a member again, never twice at once.
  for (let j = 0; j < out.length; j++) {
    const clash = out.slice(0, j).find((o) => o.member.personId === out[j].member.personId && periodsOverlap(o.member, out[j].member));
    if (clash) {
      errors.push({
        code: ReasonCode.OVERLAPPING_MEMBERSHIP,
        field: `members[${out[j].index}]`,
        message: `The person is already a member over part of this period (members[${clash.index}]); one person's memberships of a group must not overlap.`,
      });
    }
  }
  return out.map((o) => o.member);
}
