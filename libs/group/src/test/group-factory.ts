import { randomUUID } from 'node:crypto';
import type { Organisation, Person } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';

let serial = 0;

/** A club as the organisation service publishes it on its state topic. */
export function club(overrides: Partial<Organisation> = {}): Organisation {
  return {
    id: randomUUID(),
    type: 'CLUB',
    name: `Testklubben ${++serial}`,
    organisationNumber: null,
    parentId: null,
    municipalityCode: null,
    sports: [],
    email: null,
    phone: null,
    address: null,
    status: 'ACTIVE',
    externalIds: [],
    ...overrides,
  };
}

const random = (n: number) => Math.floor(Math.random() * n);

/**
 * A person as the person service publishes it on its state topic, with a random valid personnummer
 * (one of some 8 million: test files that share the database do not meet each other's).
 */
export function projectedPerson(overrides: Partial<Person> = {}): Person {
  const n = ++serial;
  const birthDate = `${1960 + random(50)}-${String(1 + random(12)).padStart(2, '0')}-${String(1 + random(28)).padStart(2, '0')}`;
  return {
    id: randomUUID(),
    personalIdentityNumber: makePersonnummer({ birthDate, serial: random(500) }),
    firstName: `Förnamn${n}`,
    lastName: 'Gruppsson',
    birthDate,
    sex: 'FEMALE',
    address: null,
    email: null,
    phone: null,
    status: 'ACTIVE',
    memberships: [],
    guardians: [],
    disability: false,
    externalIds: [],
    ...overrides,
  };
}
