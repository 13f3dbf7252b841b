import type { GroupChanged, Organisation, OrganisationChanged, PersonChanged } from '@stafett/contracts';
import { isErasure, organisationEdgesOf, organisationIdsOf, toChangeRow, toJson } from './change-row';

const CLUB = '3f1c8b1e-0000-4000-8000-000000000001';
const DISTRICT = '3f1c8b1e-0000-4000-8000-000000000002';
const FEDERATION = '3f1c8b1e-0000-4000-8000-000000000003';
const PERSON = '3f1c8b1e-0000-4000-8000-0000000000aa';

const envelope = {
  eventId: '3f1c8b1e-0000-4000-8000-0000000000ee',
  version: 2,
  occurredAt: new Date(Date.UTC(2026, 10, 30, 9, 5, 7, 42)),
  source: { system: 'rest', connectorId: null, batchId: null, actor: 'k' },
  correlationId: null,
  causationId: null,
  changedFields: [],
};

const person = (memberships: string[]): PersonChanged['after'] => ({
  id: PERSON,
  personalIdentityNumber: null,
  firstName: 'Anna',
  lastName: 'Berg',
  birthDate: '2010-05-17',
  sex: 'FEMALE',
  address: null,
  email: null,
  phone: null,
  status: 'ACTIVE',
  memberships: memberships.map((organisationId) => ({ organisationId, from: '2020-01-01', to: null })),
  guardians: [],
  disability: false,
  externalIds: [],
});

const club: Organisation = {
  id: CLUB,
  type: 'CLUB',
  name: 'IK Stafett',
  organisationNumber: null,
  parentId: DISTRICT,
  municipalityCode: null,
  sports: [],
  email: null,
  phone: null,
  address: null,
  status: 'ACTIVE',
  externalIds: [],
};

describe(toJson.name, () => {
  it('should write the envelope as the REST API writes JSON: dates YYYY-MM-DD, instants ISO 8601 UTC, in the contract order', () => {
    const event: PersonChanged = { ...envelope, entityId: PERSON, op: 'UPDATE', before: null, after: person([CLUB]), changedFields: ['firstName'] };
    const json = toJson(event);
    expect(JSON.stringify(json)).toBe(JSON.stringify({ ...event, occurredAt: '2026-11-30T09:05:07.042Z' }));
    expect(json).toMatchObject({ occurredAt: '2026-11-30T09:05:07.042Z', after: { birthDate: '2010-05-17', memberships: [{ from: '2020-01-01', to: null }] } });
  });
});

describe(toChangeRow.name, () => {
  it("should take the columns from the decoded event and keep the event's bytes as they came", () => {
    const event: PersonChanged = { ...envelope, entityId: PERSON.toUpperCase(), op: 'UPDATE', before: null, after: person([CLUB]), changedFields: ['firstName'] };
    const avro = Buffer.from([0, 0, 0, 0, 7, 1, 2, 3]);
    expect(toChangeRow('person', { value: event, avro })).toEqual({
      entity: 'person',
      entityId: PERSON,
      version: 2,
      op: 'UPDATE',
      occurredAt: event.occurredAt,
      avro,
      organisationIds: [CLUB],
    });
  });
});

describe(organisationIdsOf.name, () => {
  it('should take an organisation itself, its parent and its federations', () => {
    const event = { ...envelope, entityId: CLUB, op: 'CREATE', before: null, after: { ...club, federations: [{ organisationId: FEDERATION }] } } as OrganisationChanged;
    expect(organisationIdsOf('organisation', event)).toEqual([CLUB, DISTRICT, FEDERATION]);
  });

  it("should take a person's memberships, once each, from before when there is no after", () => {
    const event: PersonChanged = { ...envelope, entityId: PERSON, op: 'DELETE', before: person([CLUB, DISTRICT, CLUB]), after: null };
    expect(organisationIdsOf('person', event)).toEqual([CLUB, DISTRICT]);
  });

  it("should take a group's organisation", () => {
    const event: GroupChanged = {
      ...envelope,
      entityId: PERSON,
      op: 'CREATE',
      before: null,
      after: { id: PERSON, organisationId: CLUB.toUpperCase(), name: 'P12', type: 'TEAM', sport: null, members: [], status: 'ACTIVE', externalIds: [] },
    };
    expect(organisationIdsOf('group', event)).toEqual([CLUB]);
  });

  it('should find none for an erasure, which carries nothing of the entity', () => {
    const event: PersonChanged = { ...envelope, entityId: PERSON, op: 'DELETE', before: null, after: null };
    expect(organisationIdsOf('person', event)).toEqual([]);
    expect(isErasure(event)).toBe(true);
  });
});

describe(organisationEdgesOf.name, () => {
  it('should give parent → organisation and federation → organisation edges', () => {
    expect(organisationEdgesOf({ ...club, federations: [{ organisationId: FEDERATION }] })).toEqual([
      { parentId: DISTRICT, childId: CLUB },
      { parentId: FEDERATION, childId: CLUB },
    ]);
  });

  it('should give none to an organisation at the top', () => {
    expect(organisationEdgesOf({ ...club, parentId: null })).toEqual([]);
  });
});
