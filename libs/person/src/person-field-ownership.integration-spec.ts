/**
 * Field ownership of the integration agreements (issue 11, DESIGN §3) in the person service, on the
 * real broker, registry and Postgres: agreements published Avro-encoded on the compacted
 * `stafett.connectors.v1` (some before the service starts: it loads them before applying any
 * import), imports from two connectors each touching every field, and what the change events and
 * ImportResults show. A owns email and phone for club A; B owns address for the district above it.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  contractType,
  entityContracts,
  type ConnectorAgreement,
  type EntityAgreement,
  type ImportResult,
  type Organisation,
  type PersonChanged,
  type PersonImportPayload,
  type PersonImportRecord,
} from '@stafett/contracts';
import { AgreementBook, CONNECTOR_AGREEMENT_CONTRACT } from '@stafett/entity-pipeline';
import type { KafkaProducerPort } from '@stafett/kafka';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { DataSource } from 'typeorm';
import { PersonModule } from './person.module';
import { PersonTopicsHarness } from './test/person-topics.harness';
import { validPerson } from './test/person-factory';
import { createPersonTestApp } from './test/person-test-app';

const organisation = (id: string, type: Organisation['type'], parentId: string | null): Organisation => ({
  id,
  type,
  name: `Org ${id.slice(0, 8)}`,
  organisationNumber: null,
  parentId,
  municipalityCode: null,
  sports: [],
  email: null,
  phone: null,
  address: null,
  status: 'ACTIVE',
  externalIds: [],
  federations: [],
});

describe(`${PersonModule.name} under integration agreements (field ownership)`, () => {
  const prefix = `${uniqueId('ownership')}.`;
  const adminKey = `stf_${uniqueId('ownership-admin')}`;
  const topics = new PersonTopicsHarness(prefix);
  let app: INestApplication;
  let producer: KafkaProducerPort;

  const district = randomUUID();
  const clubA = randomUUID();
  const otherClub = randomUUID();
  const a = uniqueId('conn-a').toLowerCase();
  const b = uniqueId('conn-b').toLowerCase();
  const c = uniqueId('conn-c').toLowerCase();

  const agreement = (connectorId: string, organisationId: string, sourceSystem: string, entity: Partial<EntityAgreement>, revision = 1): ConnectorAgreement => ({
    connectorId,
    revision,
    connectorType: 'member-file',
    name: `Register ${connectorId}`,
    organisationId,
    direction: 'IMPORT',
    sourceSystem,
    entities: [{ entity: 'person', fields: [], ownedFields: [], matchKeys: ['personalIdentityNumber'], onDelete: 'IGNORE', ...entity }],
    schedule: { kind: 'MANUAL', cron: null },
    config: '{}',
    updatedAt: new Date(),
  });

  const publishAgreements = async (items: readonly { connectorId: string; value: ConnectorAgreement | null }[]) => {
    const topic = topics.names.connectors;
    const encode = await topics.serde.encoderFor<ConnectorAgreement>(topic, contractType(CONNECTOR_AGREEMENT_CONTRACT));
    await producer.send(items.map((i) => ({ topic, key: i.connectorId, value: i.value === null ? null : encode(i.value) })));
  };

  const publishOrganisations = async (orgs: readonly Organisation[]) => {
    const topic = topics.names.state('organisation');
    const encode = await topics.serde.encoderFor<Organisation>(topic, contractType(entityContracts('organisation').state));
    await producer.send(orgs.map((o) => ({ topic, key: o.id, value: encode(o), headers: { id: randomUUID(), 'stafett.entity.version': '1' } })));
  };

  const book = () => app.get(AgreementBook);
  const member = (organisationId: string) => [{ organisation: { id: organisationId, system: null, externalId: null, personalIdentityNumber: null }, from: '2024-01-01', to: null }];
  const address = (street: string) => ({ street, postalCode: '11455', city: 'Stockholm', countryCode: 'SE' });

  /** Imports one record from a connector and returns its result and (if any) its change event. */
  const importOne = async (system: string, connectorId: string | null, externalId: string, payload: PersonImportPayload) => {
    const [record] = await topics.importRecords(system, [{ externalId, payload }], randomUUID(), connectorId);
    const result = (await topics.resultsOf([record])).get(record.recordId)!;
    const event =
      result.outcome === 'CREATED' || result.outcome === 'UPDATED'
        ? await waitFor('the change event', () => topics.events.find((e) => e.value.causationId === record.recordId)?.value)
        : undefined;
    return { result, event };
  };
  const owned = (result: ImportResult) => (result.reasons ?? []).map((r) => ({ code: r.code, field: r.field, message: r.message }));

  beforeAll(async () => {
    await topics.startReading();
    producer = await topics.client.producer();
    await publishOrganisations([organisation(district, 'DISTRICT', null), organisation(clubA, 'CLUB', district), organisation(otherClub, 'CLUB', null)]);
    // Published before the service starts, behind a thousand others: the record already waiting on
    // the imports topic when it starts is applied only once all of them are loaded.
    await publishAgreements(
      Array.from({ length: 1_000 }, (_, i) => ({ connectorId: `filler-${i}`, value: agreement(`filler-${i}`, otherClub, 'filler', { entity: 'organisation' }) })),
    );
    await publishAgreements([
      { connectorId: a, value: agreement(a, clubA, 'register-a', { ownedFields: ['email', 'phone'] }) },
      { connectorId: b, value: agreement(b, district, 'register-b', { ownedFields: ['address'] }) },
      { connectorId: c, value: agreement(c, district, 'register-c', { fields: ['firstName', 'lastName', 'memberships'] }) },
    ]);
    [early] = await topics.importRecords('register-c', [{ externalId: 'early-c', payload: { ...earlyPerson, email: 'early@example.se' } }], randomUUID(), c);
    app = await createPersonTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }));
    const db = app.get(DataSource);
    await waitFor('the organisations in the projection', async () => {
      const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM person.known_entity WHERE id = ANY($1::uuid[])', [[district, clubA, otherClub]]);
      return n === 3 ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await topics.close();
  });

  const { personalIdentityNumber, firstName, lastName } = validPerson(3);
  const earlyPerson = { personalIdentityNumber, firstName, lastName } as PersonImportPayload;
  let early: PersonImportRecord;

  it('should apply a record waiting on the topic at the start under the agreements published before it', async () => {
    const result = (await topics.resultsOf([early])).get(early.recordId)!;
    expect(result).toMatchObject({ outcome: 'CREATED' });
    expect(owned(result)).toEqual([{ code: 'FIELD_NOT_IN_AGREEMENT', field: 'email', message: `not in the agreement of connector ${c}` }]);
    const event = await waitFor('the change event', () => topics.events.find((e) => e.value.causationId === early.recordId)?.value);
    expect(event.after).toMatchObject({ firstName, email: null });
  });

  const anna = validPerson(1, { memberships: member(clubA) });
  let annaId: string;

  it("should drop B's address from A's create, naming the owner, and apply the rest", async () => {
    const { result, event } = await importOne('register-a', a, 'anna-a', { ...anna, address: address('A-gatan 1') });
    expect(result).toMatchObject({ outcome: 'CREATED', version: 1 });
    expect(owned(result)).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'address', message: `owned by connector ${b}` }]);
    expect(event!.after).toMatchObject({ email: anna.email, phone: expect.stringMatching(/^\+467/), address: null });
    annaId = result.entityId!;
  });

  it("should drop A's email and phone from B's update and change only the address", async () => {
    const { result, event } = await importOne('register-b', b, 'anna-b', { ...anna, email: 'b@example.se', phone: '0709999999', address: address('B-gatan 2'), memberships: null });
    expect(result).toMatchObject({ outcome: 'UPDATED', entityId: annaId, version: 2 });
    expect(owned(result)).toEqual([
      { code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'email', message: `owned by connector ${a}` },
      { code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'phone', message: `owned by connector ${a}` },
    ]);
    expect(event!.changedFields).toEqual(['address', 'externalIds']);
    expect(event!.after).toMatchObject({ email: anna.email, address: { street: 'B-gatan 2' } });
  });

  it("should let A change its own fields and still not B's", async () => {
    const { result, event } = await importOne('register-a', a, 'anna-a', { ...anna, email: 'a2@example.se', address: address('A-gatan 3'), clearFields: ['address'] });
    expect(result).toMatchObject({ outcome: 'UPDATED', version: 3 });
    expect(owned(result)).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'address', message: `owned by connector ${b}` }]);
    expect(event!.changedFields).toEqual(['email']);
    expect(event!.after).toMatchObject({ email: 'a2@example.se', address: { street: 'B-gatan 2' } });
  });

  it('should answer UNCHANGED with the warning when nothing is left to write', async () => {
    const events = topics.events.length;
    const { result } = await importOne('register-b', b, 'anna-b', { email: 'b3@example.se', clearFields: ['phone'] });
    expect(result).toMatchObject({ outcome: 'UNCHANGED', entityId: annaId, version: 3 });
    expect(owned(result).map((r) => [r.code, r.field])).toEqual([
      ['FIELD_OWNED_BY_OTHER_SOURCE', 'email'],
      ['FIELD_OWNED_BY_OTHER_SOURCE', 'phone'],
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(topics.events.length).toBe(events);
  });

  it("should judge a record without a connector id by its system: A's system writes A's fields, another system does not", async () => {
    const fromSpar = await importOne('spar', null, 'anna-spar', {
      personalIdentityNumber: anna.personalIdentityNumber,
      phone: '0701111111',
      firstName: 'Annie',
    });
    expect(fromSpar.result).toMatchObject({ outcome: 'UPDATED' });
    expect(owned(fromSpar.result)).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'phone', message: `owned by connector ${a}` }]);
    expect(fromSpar.event!.changedFields).toEqual(['firstName', 'externalIds']);
    const fromSystemA = await importOne('register-a', null, 'anna-a', { personalIdentityNumber: anna.personalIdentityNumber, phone: '0701111111' });
    expect(fromSystemA.result.reasons).toEqual([]);
    expect(fromSystemA.event!.changedFields).toEqual(['phone']);
  });

  it("should drop a connector's write to a field its own agreement does not list (FIELD_NOT_IN_AGREEMENT)", async () => {
    const { result, event } = await importOne('register-c', c, 'anna-c', {
      personalIdentityNumber: anna.personalIdentityNumber,
      lastName: 'Ceson',
      email: 'c@example.se',
    });
    expect(result).toMatchObject({ outcome: 'UPDATED' });
    expect(owned(result)).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'email', message: `owned by connector ${a}` }]);
    expect(event!.changedFields).toEqual(['lastName', 'externalIds']);
    const phoneless = await importOne('register-c', c, 'anna-c', { personalIdentityNumber: anna.personalIdentityNumber, disability: true });
    expect(owned(phoneless.result)).toEqual([{ code: 'FIELD_NOT_IN_AGREEMENT', field: 'disability', message: `not in the agreement of connector ${c}` }]);
    expect(phoneless.result.outcome).toBe('UNCHANGED');
  });

  it("should not apply an owner's ownership outside its organisation's subtree", async () => {
    const bo = validPerson(2, { memberships: member(otherClub) });
    const { result, event } = await importOne('register-b', b, 'bo-b', { ...bo, email: 'bo@example.se', phone: '0702222222', address: address('Bo-gatan 1') });
    expect(result).toMatchObject({ outcome: 'CREATED' });
    expect(result.reasons).toEqual([]);
    expect(event!.after).toMatchObject({ email: 'bo@example.se', phone: '+46702222222', address: { street: 'Bo-gatan 1' } });
  });

  it('should let a REST write through an API key change an owned field (an operator, not a source)', async () => {
    const res = await request(app.getHttpServer())
      .patch(`/v1/persons/${annaId}`)
      .set('Authorization', `Bearer ${adminKey}`)
      .set('If-Match', `"${(await request(app.getHttpServer()).get(`/v1/persons/${annaId}`).set('Authorization', `Bearer ${adminKey}`).expect(200)).body.version}"`)
      .send({ address: address('Admin-gatan 9') })
      .expect(200);
    expect(res.body.address).toMatchObject({ street: 'Admin-gatan 9' });
  });

  it("should follow a revision: A releasing phone lets B write it, email stays A's", async () => {
    await publishAgreements([{ connectorId: a, value: agreement(a, clubA, 'register-a', { ownedFields: ['email'] }, 2) }]);
    await waitFor('revision 2 of A', () => (Number(book().get(a)?.revision) === 2 ? true : undefined));
    const { result, event } = await importOne('register-b', b, 'anna-b', {
      personalIdentityNumber: anna.personalIdentityNumber,
      phone: '0703333333',
      email: 'b4@example.se',
    });
    expect(owned(result)).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'email', message: `owned by connector ${a}` }]);
    expect(event!.changedFields).toEqual(['phone']);
    expect(event!.after).toMatchObject({ phone: '+46703333333' });
  });

  it("should forget a removed connector's ownership (tombstone): A may write the address again", async () => {
    const before = await importOne('register-a', a, 'anna-a', { personalIdentityNumber: anna.personalIdentityNumber, address: address('A-gatan 4') });
    expect(owned(before.result)).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'address', message: `owned by connector ${b}` }]);
    await publishAgreements([{ connectorId: b, value: null }]);
    await waitFor('B removed', () => (book().get(b) === undefined ? true : undefined));
    const { result, event } = await importOne('register-a', a, 'anna-a', {
      personalIdentityNumber: anna.personalIdentityNumber,
      address: address('A-gatan 4'),
    });
    expect(result.reasons).toEqual([]);
    expect(event!.changedFields).toEqual(['address']);
    expect((event as PersonChanged).after).toMatchObject({ address: { street: 'A-gatan 4' } });
  });
});
