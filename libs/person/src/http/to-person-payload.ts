import type { PersonImportPayload } from '@stafett/contracts';
import type { CreatePersonDto } from './dtos/create-person.dto';
import type { UpdatePersonDto } from './dtos/update-person.dto';

/**
 * A REST body as the payload an import would carry, so both run the same regelverk. Memberships
 * and guardians become references by id. In a PATCH, `null` clears a field (`clearFields`); in a
 * create it means "not given". A PATCH's `memberships` replace the person's (also clearing them, as
 * imports merge memberships per organisation).
 */
export function toPersonPayload(body: CreatePersonDto | UpdatePersonDto, nullClears: boolean): PersonImportPayload {
  const payload: { -readonly [K in keyof PersonImportPayload]: PersonImportPayload[K] } = {};
  const clearFields: string[] = [];
  const take = <K extends Exclude<keyof CreatePersonDto, 'protectedIdentity'>>(field: K, set: (value: NonNullable<CreatePersonDto[K]>) => void) => {
    const value = body[field];
    if (value === undefined) return;
    if (value === null) {
      if (nullClears) clearFields.push(field);
      return;
    }
    set(value as NonNullable<CreatePersonDto[K]>);
  };
  take('personalIdentityNumber', (v) => (payload.personalIdentityNumber = v));
  take('firstName', (v) => (payload.firstName = v));
  take('lastName', (v) => (payload.lastName = v));
  take('birthDate', (v) => (payload.birthDate = v));
  take('sex', (v) => (payload.sex = v));
  take('address', (v) => (payload.address = { street: v.street ?? null, postalCode: v.postalCode ?? null, city: v.city ?? null, countryCode: v.countryCode ?? null }));
  take('email', (v) => (payload.email = v));
  take('phone', (v) => (payload.phone = v));
  take('status', (v) => (payload.status = v));
  take('memberships', (v) => (payload.memberships = v.map((m) => ({ organisation: { id: m.organisationId }, from: m.from, to: m.to ?? null }))));
  take('guardians', (v) => (payload.guardians = v.map((g) => ({ person: { id: g.personId } }))));
  take('disability', (v) => (payload.disability = v));
  // Acted on, never stored (DESIGN §2): the rules erase and remember the number.
  if (body.protectedIdentity === true) payload.protectedIdentity = true;
  // A PATCH's memberships are the person's whole list (an import's merge per organisation): clear, then set.
  if (nullClears && payload.memberships && !clearFields.includes('memberships')) clearFields.push('memberships');
  if (clearFields.length > 0) payload.clearFields = clearFields;
  return payload;
}
