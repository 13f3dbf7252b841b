import { toContract, type OrganisationState } from '../domain/organisation.model';
import type { OrganisationDto } from './dtos/organisation.dto';

/** What the API answers for an organisation: the contract shape (as on the topics) plus its version. */
export function toOrganisationView(state: OrganisationState, version: number): OrganisationDto {
  const o = toContract(state);
  return {
    id: o.id,
    type: o.type,
    name: o.name,
    organisationNumber: o.organisationNumber ?? null,
    parentId: o.parentId ?? null,
    municipalityCode: o.municipalityCode ?? null,
    sports: o.sports ?? [],
    email: o.email ?? null,
    phone: o.phone ?? null,
    address: o.address
      ? { street: o.address.street ?? null, postalCode: o.address.postalCode ?? null, city: o.address.city ?? null, countryCode: o.address.countryCode ?? null }
      : null,
    status: o.status,
    externalIds: o.externalIds ?? [],
    federations: (o.federations ?? []).map((f) => ({ organisationId: f.organisationId, sport: f.sport ?? null })),
    version,
  };
}
