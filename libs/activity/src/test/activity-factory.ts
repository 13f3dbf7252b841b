import { randomUUID } from 'node:crypto';
import type { ActivityImportPayload, Group, Organisation, Person } from '@stafett/contracts';

/** A club as the organisation service publishes it on its state topic. */
export function club(overrides: Partial<Organisation> = {}): Organisation {
  return { id: randomUUID(), type: 'CLUB', name: 'Testklubben IF', sports: [], status: 'ACTIVE', externalIds: [], ...overrides };
}

/** A person as the person service publishes it (no personnummer: activities reference persons by id or link). */
export function member(i: number, organisationId: string, overrides: Partial<Person> = {}): Person {
  return {
    id: randomUUID(),
    firstName: `Förnamn${i}`,
    lastName: `Efternamn${i}`,
    birthDate: '2012-05-17',
    sex: i % 2 === 0 ? 'FEMALE' : 'MALE',
    status: 'ACTIVE',
    memberships: [{ organisationId, from: '2024-01-01', to: null }],
    guardians: [],
    disability: false,
    externalIds: [],
    ...overrides,
  };
}

/** A training group of an organisation, as the group service publishes it. */
export function trainingGroup(organisationId: string, overrides: Partial<Group> = {}): Group {
  return { id: randomUUID(), organisationId, name: 'P12', type: 'TRAINING', members: [], status: 'ACTIVE', externalIds: [], ...overrides };
}

/** A 90-minute training of the organisation, starting at `startsAt`. */
export function training(organisationId: string, startsAt: string, overrides: Partial<ActivityImportPayload> = {}): ActivityImportPayload {
  const start = new Date(startsAt);
  return { organisation: { id: organisationId }, type: 'TRAINING', title: 'Träning', startsAt: start, endsAt: new Date(start.getTime() + 90 * 60_000), ...overrides };
}
