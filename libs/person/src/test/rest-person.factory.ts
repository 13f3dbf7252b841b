import { randomInt } from 'node:crypto';
import type { PersonImportPayload } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';
import { validPerson } from './person-factory';

/**
 * A valid person whose personnummer no other test file is likely to hold: born 1900–1949 (the
 * import tests' `validPerson` uses 1950 on), on a random day with a random serial, in the one
 * database every test file of a run shares.
 */
export function distinctPerson(i: number, overrides: Partial<PersonImportPayload> = {}): PersonImportPayload {
  const sex = i % 2 === 0 ? 'FEMALE' : 'MALE';
  const birthDate = `${1900 + randomInt(50)}-${String(1 + randomInt(12)).padStart(2, '0')}-${String(1 + randomInt(28)).padStart(2, '0')}`;
  const personalIdentityNumber = makePersonnummer({ birthDate, sex, serial: randomInt(500) });
  return { ...validPerson(i), personalIdentityNumber, birthDate, sex, ...overrides };
}
