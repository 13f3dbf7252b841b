import type { PersonImportPayload } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';

const SEQUENCE = 'STAFETT_TEST_PERSON_SEQUENCE';

/**
 * The next number of a sequence shared by every test file of the jest process (they run in band
 * and share the environment, not their module state), so no two test files ever build the same
 * personnummer in the run's one database.
 */
function next(): number {
  const n = Number(process.env[SEQUENCE] ?? Math.floor(Math.random() * 1_000));
  process.env[SEQUENCE] = String(n + 1);
  return n;
}

/** A valid synthetic person; every call a different personnummer (born 1950–2009). */
export function validPerson(i: number, overrides: Partial<PersonImportPayload> = {}): PersonImportPayload {
  const n = next();
  // 60 years x 12 months x 28 days x 500 serials, per sex: millions of distinct numbers.
  const birthDate = `${1950 + (n % 60)}-${String(1 + (Math.floor(n / 60) % 12)).padStart(2, '0')}-${String(1 + (Math.floor(n / 720) % 28)).padStart(2, '0')}`;
  const sex = i % 2 === 0 ? 'FEMALE' : 'MALE';
  return {
    personalIdentityNumber: makePersonnummer({ birthDate, sex, serial: Math.floor(n / 20_160) % 500 }),
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
