import { randomUUID } from 'node:crypto';
import { contractType, entityContracts, TopicNames, topicDefinitions, type Person, type PersonChanged } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type ConsumedMessage, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId } from '@stafett/testing';

/** A person as the state topic and the change envelope carry it (synthetic; the personnummer is a made-up 12-digit string). */
export function personState(overrides: Partial<Person> = {}): Person {
  return {
    id: randomUUID(),
    personalIdentityNumber: '199001011239',
    firstName: 'Astrid',
    lastName: 'Testsson',
    birthDate: '1990-01-01',
    sex: 'FEMALE',
    address: null,
    email: 'astrid@example.org',
    phone: null,
    status: 'ACTIVE',
    memberships: [],
    guardians: [],
    disability: false,
    externalIds: [],
    ...overrides,
  };
}

export function personChanged(after: Person, source: { system: string; connectorId?: string | null } = { system: 'club-system' }, version = 1): PersonChanged {
  return {
    eventId: randomUUID(),
    entityId: after.id,
    version,
    op: version === 1 ? 'CREATE' : 'UPDATE',
    occurredAt: new Date(),
    source: { system: source.system, connectorId: source.connectorId ?? null, batchId: null, actor: null },
    correlationId: null,
    causationId: null,
    before: null,
    after,
    changedFields: ['firstName'],
  };
}

/** The broker side of a sink test: produce real Avro person events and state, read the DLQ. */
export class SinkTopicsKit {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('sink-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  readonly dlq: ConsumedMessage[] = [];
  private producer: KafkaProducerPort | undefined;
  private readonly consumers: KafkaConsumerPort[] = [];

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async provision(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
  }

  /** Reads the DLQ from its beginning; retries the start while a broker shared by many tests has not yet spread the new topics' metadata. */
  async readDlq(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const consumer = this.client.consumer({
        groupId: uniqueId('dlq-reader'),
        topics: [this.names.dlq],
        dlqTopic: `${this.names.dlq}.reader-dlq`,
        handler: async (ms) => void this.dlq.push(...ms),
      });
      try {
        await consumer.start();
        this.consumers.push(consumer);
        return;
      } catch (error) {
        await consumer.stop().catch(() => undefined);
        if (attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async encodedEvent(event: PersonChanged): Promise<Buffer> {
    const encode = await this.serde.encoderFor<PersonChanged>(this.names.events('person'), contractType(entityContracts('person').changed));
    return encode(event);
  }

  /** Sends the events (keyed by entity id, as the relay does) and resolves once the broker acknowledged them. */
  async sendEvents(events: readonly (PersonChanged | { key: string; raw: Buffer | null })[], headers?: Record<string, string>): Promise<void> {
    const topic = this.names.events('person');
    const messages = [];
    for (const e of events) {
      messages.push('raw' in e ? { topic, key: e.key, value: e.raw, headers } : { topic, key: e.entityId, value: await this.encodedEvent(e), headers });
    }
    await this.send(messages);
  }

  async sendState(states: readonly { id: string; value: Person | null }[]): Promise<void> {
    const topic = this.names.state('person');
    const encode = await this.serde.encoderFor<Person>(topic, contractType(entityContracts('person').state));
    await this.send(states.map((s) => ({ topic, key: s.id, value: s.value === null ? null : encode(s.value) })));
  }

  private async send(messages: Parameters<KafkaProducerPort['send']>[0]): Promise<void> {
    this.producer ??= await this.client.producer();
    await this.producer.send(messages);
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer?.disconnect();
    await this.client.close();
  }
}
