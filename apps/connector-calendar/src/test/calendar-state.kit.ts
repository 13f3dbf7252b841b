import { randomUUID } from 'node:crypto';
import { contractType, entityContracts, TopicNames, topicDefinitions, type Activity, type EntityName, type Group, type Organisation, type Person } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type KafkaProducerPort } from '@stafett/kafka';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId } from '@stafett/testing';

type StateOf<E extends EntityName> = E extends 'activity' ? Activity : E extends 'group' ? Group : E extends 'organisation' ? Organisation : Person;

/** The broker side of the calendar tests: real Avro state records through the registry, keyed by id, with the relay's version header. */
export class CalendarStateKit {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('calendar-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  private producer: KafkaProducerPort | undefined;

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async provision(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
  }

  /** Sends state records (a null value is a tombstone) and resolves once the broker acknowledged them. */
  async send<E extends EntityName>(entity: E, records: readonly { id: string; version: number; value: StateOf<E> | null }[]): Promise<void> {
    const topic = this.names.state(entity);
    const encode = await this.serde.encoderFor<StateOf<E>>(topic, contractType(entityContracts(entity).state));
    this.producer ??= await this.client.producer();
    await this.producer.send(
      records.map((r) => ({ topic, key: r.id, value: r.value === null ? null : encode(r.value), headers: { id: randomUUID(), 'stafett.entity.version': String(r.version) } })),
    );
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.client.close();
  }
}

export const organisation = (id: string, name: string, parentId: string | null, type: Organisation['type'] = 'CLUB'): Organisation => ({
  id,
  type,
  name,
  organisationNumber: null,
  parentId,
  municipalityCode: null,
  sports: [],
  email: 'kansli@example.org',
  phone: '+46701234567',
  address: null,
  status: 'ACTIVE',
  externalIds: [],
});

export const group = (id: string, organisationId: string, name: string, memberIds: readonly string[] = []): Group => ({
  id,
  organisationId,
  name,
  type: 'TRAINING',
  sport: 'fotboll',
  members: memberIds.map((personId) => ({ personId, role: 'PARTICIPANT', from: '2026-01-01', to: null })),
  status: 'ACTIVE',
  externalIds: [],
});

export const activity = (id: string, organisationId: string, groupId: string | null, startsAt: Date, overrides: Partial<Activity> = {}): Activity => ({
  id,
  organisationId,
  groupId,
  type: 'TRAINING',
  title: 'Träning',
  sport: 'fotboll',
  startsAt,
  endsAt: new Date(startsAt.getTime() + 90 * 60_000),
  location: 'Rosendalsfältet',
  status: 'PLANNED',
  participants: [],
  externalIds: [],
  ...overrides,
});

/** A person with everything a feed must never show (synthetic personnummer, e-mail and phone). */
export const person = (id: string, organisationIds: readonly string[]): Person => ({
  id,
  personalIdentityNumber: '201203142389',
  firstName: 'Elsa',
  lastName: 'Hemligsson',
  birthDate: '2012-03-14',
  sex: 'FEMALE',
  address: { street: 'Hemliga vägen 1', postalCode: '11122', city: 'Stockholm', countryCode: 'SE' },
  email: 'elsa.hemligsson@example.org',
  phone: '+46709876543',
  status: 'ACTIVE',
  memberships: organisationIds.map((organisationId) => ({ organisationId, from: '2026-01-01', to: null })),
  guardians: [],
  disability: false,
  externalIds: [],
});

/** The next last Sunday of `month` (0-based) at least a day after `now`, at `utcHour`:00Z. */
export function nextLastSunday(now: Date, month: number, utcHour: number): Date {
  for (let year = now.getUTCFullYear(); ; year++) {
    const last = new Date(Date.UTC(year, month + 1, 0, utcHour));
    last.setUTCDate(last.getUTCDate() - last.getUTCDay());
    if (last.getTime() > now.getTime() + 24 * 3600_000) return last;
  }
}
