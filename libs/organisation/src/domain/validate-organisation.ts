import type { Address, OrganisationImportPayload, Reason, Reference } from '@stafett/contracts';
import {
  normalizeEmail,
  normalizePhone,
  normalizePostalCode,
  optionalText,
  parseMunicipalityCode,
  parseOrganisationNumber,
  ReasonCode,
  requiredText,
  type Validated,
} from '@stafett/domain';
import type { OrganisationPatch, OrganisationState } from './organisation.model';

/** A federation the payload names, still to resolve to an organisation id. */
export interface FederationRef {
  readonly ref: Reference;
  readonly sport: string | null;
}

/** What validation makes of a payload: a normalized patch, the references still to resolve, or the reasons it is refused. */
export interface ValidatedPayload {
  readonly patch: OrganisationPatch;
  /** The parent to resolve (undefined: not given; null: cleared). */
  readonly parentRef: Reference | null | undefined;
  /** The federations to resolve (undefined: not given, keep; []: cleared). */
  readonly federationRefs: readonly FederationRef[] | undefined;
  readonly errors: readonly Reason[];
}

/** Fields `clearFields` may name (`parent` and `parentId` both clear the parent). */
const CLEARABLE: ReadonlySet<string> = new Set(['organisationNumber', 'parent', 'parentId', 'municipalityCode', 'sports', 'email', 'phone', 'address', 'federations']);
export const NAME_MAX = 200;
export const SPORT_MAX = 100;

/**
 * The field rules for one organisation payload (DESIGN §2–§3), the same for imports and REST
 * writes. Every refusal names the field and the rule. The hierarchy (parent and federation types,
 * cycles) needs the register: `OrganisationRules` checks it after resolving the references.
 */
export function validateOrganisationPayload(payload: OrganisationImportPayload, existing: OrganisationState | undefined): ValidatedPayload {
  const errors: Reason[] = [];
  const patch: OrganisationPatch = {};
  const take = <T>(field: string, result: Validated<T>, set: (v: T) => void) => {
    if (result.ok) set(result.value);
    else errors.push({ code: result.code, field, message: result.message });
  };

  if (payload.type != null) patch.type = payload.type;
  if (payload.name != null) take('name', requiredText(payload.name, 'name', NAME_MAX), (v) => (patch.name = v));
  if (payload.organisationNumber != null) take('organisationNumber', parseOrganisationNumber(payload.organisationNumber), (v) => (patch.organisationNumber = v));
  if (payload.municipalityCode != null) take('municipalityCode', parseMunicipalityCode(payload.municipalityCode), (v) => (patch.municipalityCode = v));
  if (payload.email != null) take('email', normalizeEmail(payload.email), (v) => (patch.email = v));
  if (payload.phone != null) take('phone', normalizePhone(payload.phone), (v) => (patch.phone = v));
  if (payload.status != null) patch.status = payload.status;
  if (payload.sports != null) {
    const sports: string[] = [];
    payload.sports.forEach((raw, i) => {
      take(`sports[${i}]`, requiredText(raw, `sports[${i}]`, SPORT_MAX), (sport) => {
        if (!sports.some((s) => s.toLocaleLowerCase('sv') === sport.toLocaleLowerCase('sv'))) sports.push(sport);
      });
    });
    patch.sports = sports;
  }
  if (payload.address != null) {
    const address = validateAddress(payload.address, errors);
    if (address) patch.address = address;
  }
  let parentRef: Reference | null | undefined;
  if (payload.parent != null) {
    const problem = referenceProblem(payload.parent, 'parent');
    if (problem) errors.push(problem);
    else parentRef = payload.parent;
  }
  let federationRefs: FederationRef[] | undefined;
  if (payload.federations != null) {
    federationRefs = [];
    for (const [i, f] of payload.federations.entries()) {
      const problem = referenceProblem(f.organisation, `federations[${i}].organisation`);
      if (problem) {
        errors.push(problem);
        continue;
      }
      const sport = optionalText(f.sport, `federations[${i}].sport`, SPORT_MAX);
      if (!sport.ok) errors.push({ code: sport.code, field: `federations[${i}].sport`, message: sport.message });
      else federationRefs.push({ ref: f.organisation, sport: sport.value ?? null });
    }
  }

  for (const field of payload.clearFields ?? []) {
    if (!CLEARABLE.has(field)) {
      errors.push({ code: ReasonCode.REQUIRED, field, message: `${field} cannot be cleared; clearable fields are ${[...CLEARABLE].join(', ')}.` });
      continue;
    }
    if (field === 'parent' || field === 'parentId') parentRef = null;
    else if (field === 'federations') federationRefs = [];
    else if (field === 'sports') patch.sports = [];
    else (patch as Record<string, unknown>)[field] = null;
  }

  if (!existing) {
    if (patch.type === undefined)
      errors.push({
        code: ReasonCode.REQUIRED,
        field: 'type',
        message: `type is required for a new organisation: one of CONFEDERATION, FEDERATION, DISTRICT, CLUB, SECTION, OTHER.`,
      });
    if (patch.name === undefined && !errors.some((e) => e.field === 'name'))
      errors.push({ code: ReasonCode.REQUIRED, field: 'name', message: 'name is required for a new organisation.' });
  }
  return { patch, parentRef, federationRefs, errors };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A reference that can never name an organisation: refused now (not parked as unknown until its deadline). */
function referenceProblem(ref: Reference, field: string): Reason | undefined {
  if (ref.id) return UUID.test(ref.id) ? undefined : { code: ReasonCode.INVALID_FORMAT, field, message: 'An organisation id is a uuid.' };
  if (ref.system && ref.externalId) return undefined;
  return { code: ReasonCode.REQUIRED, field, message: 'An organisation is referenced by its id or by (system, externalId).' };
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
