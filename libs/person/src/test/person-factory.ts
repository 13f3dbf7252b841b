import type { PersonImportPayload } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';

let counter = Math.floor(Math.random() * 400);
const yearBase = 1950 + Math.floor(Math.random() * 50);

/** A valid synthetic person; every call a different personnummer (random year base per test file). */
export function validPerson(i: number, overrides: Partial<PersonImportPayload> = {}): PersonImportPayload {
  const n = counter++;
  const birthDate = `${yearBase + (n % 20)}-${String(1 + (Math.floor(n / 20) % 12)).padStart(2, '0')}-${String(1 + (Math.floor(n / 240) % 28)).padStart(2, '0')}`;
  const sex = i % 2 === 0 ? 'FEMALE' : 'MALE';
  return {
    personalIdentityNumber: makePersonnummer({ birthDate, sex, serial: Math.floor(n / 6720) % 500 }),
    firstName: `Förnamn${i}`,
    lastName: `Efternamn${i}`,
    birthDate,
    sex,
    address: { street: `Storgatan ${1 + (i % 90)}`, postalCode: '114 55', city: 'Stockholm', countryCode: 'SE' },
    email: `person${i}@example.se`,
    phone: `070-${String(1000000 + i).slice(-7)}`,
    ...overrides,
  };
}
