import type { OrganisationImportPayload } from '@stafett/contracts';
import type { CreateOrganisationDto } from './dtos/create-organisation.dto';
import type { UpdateOrganisationDto } from './dtos/update-organisation.dto';

/**
 * A REST body as the payload an import would carry, so both run the same regelverk. The parent and
 * federations become references by id. In a PATCH, `null` clears a field (`clearFields`); in a
 * create it means "not given".
 */
export function toOrganisationPayload(body: CreateOrganisationDto | UpdateOrganisationDto, nullClears: boolean): OrganisationImportPayload {
  const payload: { -readonly [K in keyof OrganisationImportPayload]: OrganisationImportPayload[K] } = {};
  const clearFields: string[] = [];
  const take = <K extends keyof CreateOrganisationDto>(field: K, set: (value: NonNullable<CreateOrganisationDto[K]>) => void) => {
    const value = body[field];
    if (value === undefined) return;
    if (value === null) {
      if (nullClears) clearFields.push(field);
      return;
    }
    set(value as NonNullable<CreateOrganisationDto[K]>);
  };
  take('type', (v) => (payload.type = v));
  take('name', (v) => (payload.name = v));
  take('organisationNumber', (v) => (payload.organisationNumber = v));
  take('parentId', (v) => (payload.parent = { id: v.toLowerCase() }));
  take('municipalityCode', (v) => (payload.municipalityCode = v));
  take('sports', (v) => (payload.sports = v));
  take('email', (v) => (payload.email = v));
  take('phone', (v) => (payload.phone = v));
  take('address', (v) => (payload.address = { street: v.street ?? null, postalCode: v.postalCode ?? null, city: v.city ?? null, countryCode: v.countryCode ?? null }));
  take('status', (v) => (payload.status = v));
  take('federations', (v) => (payload.federations = v.map((f) => ({ organisation: { id: f.organisationId.toLowerCase() }, sport: f.sport ?? null }))));
  if (clearFields.length > 0) payload.clearFields = clearFields;
  return payload;
}
