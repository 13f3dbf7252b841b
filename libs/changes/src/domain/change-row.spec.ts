import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contractType, entityContracts, parseSchema, type EntityName, type GroupChanged, type Organisation, type OrganisationChanged, type PersonChanged } from '@stafett/contracts';
import { changeLogReader, isErasure, organisationEdgesOf, organisationIdsOf, toChangeRow, toJson, type AnyChanged } from './change-row';

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

describe('changeLogReader', () => {
  const entities: EntityName[] = ['organisation', 'person', 'group', 'activity'];
  const random = (entity: EntityName, i: number): AnyChanged => {
    const full = contractType(entityContracts(entity).changed);
    const event = full.random() as unknown as Record<string, unknown>;
    // Ids as the log checks them (random strings are not uuids), and an erasure now and then.
    const id = () => randomUUID();
    event['entityId'] = id();
    for (const side of ['before', 'after']) {
      const state = event[side] as Record<string, unknown> | null;
      if (!state) continue;
      state['id'] = id();
      if ('parentId' in state) state['parentId'] = i % 3 === 0 ? null : id();
      if ('organisationId' in state) state['organisationId'] = id();
      if (Array.isArray(state['memberships'])) state['memberships'] = [{ organisationId: id(), from: '2020-01-01', to: null }, { organisationId: id(), from: '2021-02-03', to: '2024-12-31' }];
      if (Array.isArray(state['federations'])) state['federations'] = [{ organisationId: id() }];
    }
    if (i % 5 === 0) Object.assign(event, { op: 'DELETE', before: null, after: null });
    return event as unknown as AnyChanged;
  };

  it.each(entities.map((e) => [e]))('should give the same %s change row from its projected decode as from the whole event', (entity) => {
    const full = contractType(entityContracts(entity).changed);
    const reader = changeLogReader(entity);
    const resolver = reader.createResolver(full);
    for (let i = 0; i < 60; i++) {
      const avro = full.toBuffer(random(entity, i));
      const whole = full.fromBuffer(avro) as AnyChanged;
      const projected = reader.fromBuffer(avro, resolver) as AnyChanged;
      expect(Object.keys(projected).sort()).toEqual(['after', 'before', 'entityId', 'occurredAt', 'op', 'version']);
      expect(isErasure(projected)).toBe(isErasure(whole));
      expect(toChangeRow(entity, { value: projected, avro })).toEqual(toChangeRow(entity, { value: whole, avro }));
    }
  });

  it.each(entities.map((e) => [e]))('should read %s events an old writer (released v1) wrote', (entity) => {
    const name = entityContracts(entity).changed;
    const old = parseSchema(JSON.parse(readFileSync(path.resolve(__dirname, '../../../contracts/released/v1', `${name}.avsc`), 'utf8')));
    const reader = changeLogReader(entity);
    for (let i = 0; i < 20; i++) {
      const written = old.toBuffer(old.random());
      const whole = contractType(name).fromBuffer(written, contractType(name).createResolver(old)) as AnyChanged;
      const projected = reader.fromBuffer(written, reader.createResolver(old)) as AnyChanged;
      expect(projected.op).toBe(whole.op);
      expect(projected.version).toBe(whole.version);
      expect(organisationIdsOf(entity, projected)).toEqual(organisationIdsOf(entity, whole));
    }
  });

  it('should not build what the log never reads: no names, identity or source of a person', () => {
    const full = contractType(entityContracts('person').changed);
    const event = random('person', 1) as PersonChanged;
    const projected = changeLogReader('person').fromBuffer(full.toBuffer(event), changeLogReader('person').createResolver(full)) as unknown as Record<string, unknown>;
    expect(projected['source']).toBeUndefined();
    expect(projected['eventId']).toBeUndefined();
    const after = projected['after'] as Record<string, unknown> | null;
    if (after) expect(Object.keys(after)).toEqual(['memberships']);
  });
});
