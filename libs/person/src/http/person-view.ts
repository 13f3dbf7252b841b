import type { Address } from '@stafett/contracts';
import { toContract, type PersonState } from '../domain/person.model';
import type { PersonDto } from './dtos/person.dto';

/** What the API answers for a person: the contract shape (as on the topics) plus its version. */
export function toPersonView(state: PersonState, version: number): PersonDto {
  const person = toContract(state);
  return {
    id: person.id,
    personalIdentityNumber: person.personalIdentityNumber ?? null,
    firstName: person.firstName,
    lastName: person.lastName,
    birthDate: person.birthDate,
    sex: person.sex,
    address: person.address ? orderedAddress(person.address) : null,
    email: person.email ?? null,
    phone: person.phone ?? null,
    status: person.status,
    memberships: (person.memberships ?? []).map((m) => ({ organisationId: m.organisationId, from: m.from, to: m.to ?? null })),
    guardians: person.guardians ?? [],
    disability: person.disability ?? false,
    externalIds: person.externalIds ?? [],
    version,
  };
}

/** jsonb does not keep key order; answer in the contract's. */
function orderedAddress(a: Address): Address {
  return { street: a.street ?? null, postalCode: a.postalCode ?? null, city: a.city ?? null, countryCode: a.countryCode ?? null };
}
