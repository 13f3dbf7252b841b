import type { Address, PersonImportPayload, Reason, Reference } from '@stafett/contracts';
import {
  calendarDateInSweden,
  currentDateInSweden,
  invalid,
  checkBirthDateAgreement,
  normalizeEmail,
  normalizePhone,
  normalizePostalCode,
  optionalText,
  parseCalendarDate,
  parsePersonalIdentityNumber,
  ReasonCode,
  requiredText,
  type Validated,
} from '@stafett/domain';
import type { PersonPatch, PersonState, WritableField } from './person.model';

/** What validation makes of a payload: a normalized patch, or the reasons it is refused. */
export interface ValidatedPayload {
  readonly patch: PersonPatch;
  /** Guardian references still to resolve to person ids (by the caller, against the register). */
  readonly guardianRefs: readonly Reference[] | undefined;
  /** The memberships given, their organisations still to resolve. */
  readonly membershipRefs: readonly MembershipRef[] | undefined;
  readonly errors: readonly Reason[];
}

const CLEARABLE: ReadonlySet<string> = new Set(['personalIdentityNumber', 'address', 'email', 'phone', 'memberships', 'guardians']);

/** A membership of a payload: its organisation reference, dates, and the field to name when it does not resolve. */
export interface MembershipRef {
  readonly organisation: Reference;
  readonly from: string;
  readonly to: string | null;
  readonly field: string;
}

const NAME_MAX = 100;

/**
 * The regelverk for one person payload (DESIGN §3), the same for imports and REST writes. Every
 * refusal names the field and the rule; messages never quote a personnummer.
 */
export function validatePersonPayload(payload: PersonImportPayload, existing: PersonState | undefined, today?: Date): ValidatedPayload {
  const errors: Reason[] = [];
  const patch: PersonPatch = {};
  const take = <T>(field: string, result: Validated<T>, set: (v: T) => void) => {
    if (result.ok) set(result.value);
    else errors.push({ code: result.code, field, message: result.message });
  };

  let identityBirthDate: string | undefined;
  let identitySex: 'FEMALE' | 'MALE' | undefined;
  if (payload.personalIdentityNumber != null) {
    take('personalIdentityNumber', parsePersonalIdentityNumber(payload.personalIdentityNumber, { today }), (id) => {
      patch.personalIdentityNumber = id.normalized;
      identityBirthDate = id.birthDate;
      identitySex = id.sex;
    });
  }
  if (payload.firstName != null) take('firstName', requiredText(payload.firstName, 'firstName', NAME_MAX), (v) => (patch.firstName = v));
  if (payload.lastName != null) take('lastName', requiredText(payload.lastName, 'lastName', NAME_MAX), (v) => (patch.lastName = v));
  if (payload.birthDate != null) take('birthDate', plausibleBirthDate(parseCalendarDate(payload.birthDate), today), (v) => (patch.birthDate = v));
  if (payload.sex != null) patch.sex = payload.sex;
  if (payload.status != null) patch.status = payload.status;
  if (payload.disability != null) patch.disability = payload.disability;
  if (payload.email != null) take('email', normalizeEmail(payload.email), (v) => (patch.email = v));
  if (payload.phone != null) take('phone', normalizePhone(payload.phone), (v) => (patch.phone = v));
  if (payload.address != null) {
    const address = validateAddress(payload.address, errors);
    if (address) patch.address = address;
  }
  let membershipRefs: MembershipRef[] | undefined;
  if (payload.memberships != null) {
    // The organisations are resolved by the rules (from the projection of the organisation state topic).
    membershipRefs = [];
    payload.memberships.forEach((m, i) => {
      const field = `memberships[${i}]`;
      if (m.to != null && m.to < m.from) {
        errors.push({ code: ReasonCode.INVALID_DATE, field: `${field}.to`, message: 'A membership cannot end before it starts.' });
      } else {
        membershipRefs!.push({ organisation: m.organisation, from: m.from, to: m.to ?? null, field: `${field}.organisation` });
      }
    });
  }
  const guardianRefs = payload.guardians?.map((g) => g.person);

  for (const field of payload.clearFields ?? []) {
    if (!CLEARABLE.has(field)) {
      errors.push({ code: ReasonCode.REQUIRED, field, message: `${field} cannot be cleared; clearable fields are ${[...CLEARABLE].join(', ')}.` });
      continue;
    }
    const f = field as WritableField;
    (patch as Record<string, unknown>)[f] = f === 'memberships' || f === 'guardians' ? [] : null;
  }

  // Cross-field rules on the result of the merge.
  const pnr = patch.personalIdentityNumber !== undefined ? patch.personalIdentityNumber : existing?.personalIdentityNumber;
  const birthDate = patch.birthDate ?? existing?.birthDate;
  if (pnr && identityBirthDate === undefined) {
    // The number was already stored: re-derive what it says.
    const stored = parsePersonalIdentityNumber(pnr, { today });
    if (stored.ok) identityBirthDate = stored.value.birthDate;
  }
  if (pnr && identityBirthDate !== undefined) {
    if (birthDate === undefined || birthDate === '') patch.birthDate = identityBirthDate;
    else if (patch.birthDate !== undefined || patch.personalIdentityNumber !== undefined) {
      const agreement = checkBirthDateAgreement({ birthDate: identityBirthDate }, birthDate);
      if (!agreement.ok) errors.push({ code: agreement.code, field: 'birthDate', message: agreement.message });
    }
  }
  if (!existing) {
    if (patch.sex === undefined) patch.sex = identitySex ?? 'UNKNOWN';
    for (const field of ['firstName', 'lastName'] as const) {
      if (patch[field] === undefined && !errors.some((e) => e.field === field)) {
        errors.push({ code: ReasonCode.REQUIRED, field, message: `${field} is required for a new person.` });
      }
    }
    if (patch.birthDate === undefined && !errors.some((e) => e.field === 'birthDate' || e.field === 'personalIdentityNumber')) {
      errors.push({ code: ReasonCode.REQUIRED, field: 'birthDate', message: 'birthDate (or a personalIdentityNumber to derive it from) is required for a new person.' });
    }
  }
  return { patch, guardianRefs, membershipRefs, errors };
}

/** The earliest birth date the register takes: personnummer of the 1800s exist (DECEASED persons), none before. */
export const EARLIEST_BIRTH_DATE = '1800-01-01';

/** A birth date a person can have: not before 1800, not after today in Sweden. */
function plausibleBirthDate(date: Validated<string>, today: Date | undefined): Validated<string> {
  if (!date.ok) return date;
  if (date.value < EARLIEST_BIRTH_DATE) return invalid(ReasonCode.INVALID_DATE, `A birth date cannot be before ${EARLIEST_BIRTH_DATE}.`);
  if (date.value > (today ? calendarDateInSweden(today) : currentDateInSweden())) return invalid(ReasonCode.INVALID_DATE, 'A birth date cannot be in the future.');
  return date;
}

function validateAddress(address: Address, errors: Reason[]): Address | undefined {
  const before = errors.length;
  const out: { -readonly [K in keyof Address]: Address[K] } = { street: null, postalCode: null, city: null, countryCode: null };
  const country = (address.countryCode ?? 'SE').trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) errors.push({ code: ReasonCode.INVALID_FORMAT, field: 'address.countryCode', message: 'The country code must be ISO 3166-1 alpha-2, e.g. SE.' });
  out.countryCode = country;
  const street = optionalText(address.street, 'address.street', 200);
  if (street.ok) out.street = street.value ?? null;
  else errors.push({ code: street.code, field: 'address.street', message: street.message });
  const city = optionalText(address.city, 'address.city', 100);
  if (city.ok) out.city = city.value ?? null;
  else errors.push({ code: city.code, field: 'address.city', message: city.message });
  if (address.postalCode != null) {
    const postal = normalizePostalCode(address.postalCode, country);
    if (postal.ok) out.postalCode = postal.value;
    else errors.push({ code: postal.code, field: 'address.postalCode', message: postal.message });
  }
  return errors.length === before ? out : undefined;
}
