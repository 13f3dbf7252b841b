import { randomInt } from 'node:crypto';
import type { OrganisationImportPayload, OrganisationType, Reference } from '@stafett/contracts';
import { luhnCheckDigit } from '@stafett/domain';

/**
 * A valid organisationsnummer no other test is likely to hold (the test files of a run share one
 * database): 8 random digits after a third digit ≥ 2 (a non-profit association's 8), and the Luhn check digit.
 */
export function makeOrganisationNumber(): string {
  const nine = `80${2 + randomInt(8)}${String(randomInt(1_000_000)).padStart(6, '0')}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

/** A valid organisation payload of a type, under a parent (by reference), with a fresh organisationsnummer. */
export function validOrganisation(type: OrganisationType, name: string, parent?: Reference, overrides: Partial<OrganisationImportPayload> = {}): OrganisationImportPayload {
  return {
    type,
    name,
    organisationNumber: makeOrganisationNumber(),
    municipalityCode: '0180',
    sports: ['Fotboll'],
    email: 'kansli@example.se',
    phone: '08-123 456 78',
    address: { street: 'Idrottens väg 1', postalCode: '114 55', city: 'Stockholm', countryCode: 'SE' },
    ...(parent ? { parent } : {}),
    ...overrides,
  };
}
