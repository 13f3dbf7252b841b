import { randomUUID } from 'node:crypto';
import {
  contractType,
  entityContracts,
  TopicNames,
  topicDefinitions,
  type ActivityChanged,
  type ChangeOp,
  type EntityName,
  type GroupChanged,
  type Organisation,
  type OrganisationChanged,
  type Person,
  type PersonChanged,
} from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type KafkaProducerPort } from '@stafett/kafka';
import { dropDatabase, ensureDatabase } from '@stafett/persistence';
import { testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId } from '@stafett/testing';

type Changed = OrganisationChanged | PersonChanged | GroupChanged | ActivityChanged;

/** Test side of the events topics: produces change events as the domain services publish them (Avro through the registry). */
export class ChangesTopicsHarness {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('changes-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  private producer: KafkaProducerPort | undefined;

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async provision(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
  }

  /** Produces the events to the entity's events topic (key: entity id), acknowledged when this resolves. */
  async publish<E extends Changed>(entity: EntityName, events: readonly E[]): Promise<E[]> {
    this.producer ??= await this.client.producer();
    const topic = this.names.events(entity);
    const encode = await this.serde.encoderFor<E>(topic, contractType(entityContracts(entity).changed));
    await this.producer.send(events.map((e) => ({ topic, key: e.entityId, value: encode(e) })));
    return [...events];
  }

  /** Produces organisations' latest states (null: a tombstone) to the organisation state topic, as the organisation service's relay does. */
  async publishStates(states: readonly { id: string; state: Organisation | null }[]): Promise<void> {
    this.producer ??= await this.client.producer();
    const topic = this.names.state('organisation');
    const encode = await this.serde.encoderFor<Organisation>(topic, contractType(entityContracts('organisation').state));
    await this.producer.send(states.map((s) => ({ topic, key: s.id, value: s.state ? encode(s.state) : null })));
  }

  /** An organisation service's output: the change events, and each organisation's state after them. */
  async publishOrganisations(events: readonly OrganisationChanged[]): Promise<OrganisationChanged[]> {
    await this.publish('organisation', events);
    await this.publishStates(events.map((e) => ({ id: e.entityId, state: e.after ?? null })));
    return [...events];
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.client.close();
  }
}

/** A database of its own for a test file: the change log is one table per database, and tests count its rows. */
export async function ownTestDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId(name).replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  return { url: databaseUrl, drop: () => dropDatabase(databaseUrl) };
}

const envelope = (entityId: string, version: number, op: ChangeOp, occurredAt = new Date()) => ({
  eventId: randomUUID(),
  entityId,
  version,
  op,
  occurredAt,
  source: { system: 'rest', connectorId: null, batchId: null, actor: 'test' },
  correlationId: null,
  causationId: null,
  changedFields: [] as string[],
});

export function organisation(id: string, fields: Partial<Organisation> = {}): Organisation {
  return {
    id,
    type: 'CLUB',
    name: `Klubb ${id.slice(0, 4)}`,
    organisationNumber: null,
    parentId: null,
    municipalityCode: null,
    sports: [],
    email: null,
    phone: null,
    address: null,
    status: 'ACTIVE',
    externalIds: [],
    ...fields,
  };
}

export function person(id: string, memberships: readonly string[], fields: Partial<Person> = {}): Person {
  return {
    id,
    personalIdentityNumber: '201005172384',
    firstName: 'Anna',
    lastName: 'Berg',
    birthDate: '2010-05-17',
    sex: 'FEMALE',
    address: { street: 'Storgatan 1', postalCode: '11122', city: 'Stockholm', countryCode: 'SE' },
    email: 'anna@example.se',
    phone: null,
    status: 'ACTIVE',
    memberships: memberships.map((organisationId) => ({ organisationId, from: '2020-01-01', to: null })),
    guardians: [],
    disability: false,
    externalIds: [],
    ...fields,
  };
}

export const organisationChanged = (after: Organisation, version = 1, op: ChangeOp = version === 1 ? 'CREATE' : 'UPDATE', occurredAt?: Date): OrganisationChanged => ({
  ...envelope(after.id, version, op, occurredAt),
  before: null,
  after,
});

export const organisationDeleted = (before: Organisation, version: number): OrganisationChanged => ({ ...envelope(before.id, version, 'DELETE'), before, after: null });

export const personChanged = (after: Person, version = 1, occurredAt?: Date): PersonChanged => ({
  ...envelope(after.id, version, version === 1 ? 'CREATE' : 'UPDATE', occurredAt),
  before: null,
  after,
  changedFields: version === 1 ? [] : ['email'],
});

/** What the person service publishes on an erasure: a DELETE that carries nothing of the person. */
export const personErased = (id: string, version: number): PersonChanged => ({ ...envelope(id, version, 'DELETE'), before: null, after: null });

export const groupChanged = (id: string, organisationId: string, version = 1): GroupChanged => ({
  ...envelope(id, version, version === 1 ? 'CREATE' : 'UPDATE'),
  before: null,
  after: { id, organisationId, name: 'P12', type: 'TEAM', sport: 'fotboll', members: [], status: 'ACTIVE', externalIds: [] },
});

export const activityChanged = (id: string, organisationId: string, version = 1): ActivityChanged => ({
  ...envelope(id, version, version === 1 ? 'CREATE' : 'UPDATE'),
  before: null,
  after: {
    id,
    organisationId,
    groupId: null,
    type: 'TRAINING',
    title: 'Träning',
    sport: 'fotboll',
    startsAt: new Date(Date.UTC(2026, 10, 30, 17, 0, 0)),
    endsAt: new Date(Date.UTC(2026, 10, 30, 18, 30, 0)),
    location: null,
    status: 'PLANNED',
    participants: [],
    externalIds: [],
  },
});

/**
 * An event as the change log's consumer hands it to the store: decoded, and its bytes in the Confluent
 * wire format (schema id `schemaId`, written with the entity's `<Entity>Changed` contract).
 */
export function consumed<E extends Changed>(entity: EntityName, value: E, schemaId = 1): { value: E; avro: Buffer } {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return { value, avro: Buffer.concat([header, contractType(entityContracts(entity).changed).toBuffer(value)]) };
}

/** A stored change decoded the way {@link consumed} wrote it (or its JSON, for a row stored as JSON). */
export function storedEvent(change: { entity: EntityName; event: unknown; avro: Buffer | null }): Changed {
  if (change.avro === null) return change.event as Changed;
  return contractType(entityContracts(change.entity).changed).fromBuffer(change.avro.subarray(5)) as Changed;
}
