import { randomUUID } from 'node:crypto';
import {
  contractType,
  entityContracts,
  IMPORT_RESULT_CONTRACT,
  TopicNames,
  topicDefinitions,
  type Group,
  type GroupChanged,
  type GroupImportPayload,
  type GroupImportRecord,
  type ImportResult,
  type Organisation,
  type Person,
} from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type ConsumedMessage, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor } from '@stafett/testing';

/**
 * Test side of the group topics: produce group import records, and the organisation and person
 * state the group service projects (as their services publish it: Avro, keyed by id, a version
 * header, null for a tombstone); read every group output topic with an independent consumer.
 */
export class GroupTopicsHarness {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('group-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  readonly events: { message: ConsumedMessage; value: GroupChanged }[] = [];
  readonly state: { message: ConsumedMessage; value: Group | null }[] = [];
  readonly results: ImportResult[] = [];
  readonly raw: ConsumedMessage[] = [];
  private readonly consumers: KafkaConsumerPort[] = [];
  private readonly versions = new Map<string, number>();
  private producer: KafkaProducerPort | undefined;

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async startReading(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
    const c = entityContracts('group');
    const read = (topic: string, sink: (m: ConsumedMessage) => Promise<void>) => {
      const consumer = this.client.consumer({
        groupId: uniqueId('reader'),
        topics: [topic],
        dlqTopic: `${topic}.reader-dlq`,
        handler: async (ms) => {
          for (const m of ms) {
            this.raw.push(m);
            await sink(m);
          }
        },
      });
      this.consumers.push(consumer);
      return consumer.start();
    };
    await Promise.all([
      read(this.names.events('group'), async (m) => void this.events.push({ message: m, value: await this.serde.decode<GroupChanged>(m.value!, contractType(c.changed)) })),
      read(this.names.state('group'), async (m) => void this.state.push({ message: m, value: m.value ? await this.serde.decode<Group>(m.value, contractType(c.state)) : null })),
      read(this.names.importResults, async (m) => void this.results.push(await this.serde.decode<ImportResult>(m.value!, contractType(IMPORT_RESULT_CONTRACT)))),
      read(this.names.dlq, async () => undefined),
    ]);
  }

  async importRecords(
    system: string,
    items: readonly { externalId: string; payload: GroupImportPayload | null; op?: 'UPSERT' | 'DELETE' }[],
    batchId = randomUUID(),
  ): Promise<GroupImportRecord[]> {
    this.producer ??= await this.client.producer();
    const topic = this.names.imports('group');
    const encode = await this.serde.encoderFor<GroupImportRecord>(topic, contractType(entityContracts('group').importRecord));
    const records: GroupImportRecord[] = items.map((i) => ({
      recordId: randomUUID(),
      batchId,
      source: { system, connectorId: null },
      externalId: i.externalId,
      op: i.op ?? 'UPSERT',
      receivedAt: new Date(),
      payload: i.payload,
    }));
    await this.producer.send(records.map((r) => ({ topic, key: `${system}:${r.externalId}`, value: encode(r) })));
    return records;
  }

  /** Publishes organisations on the organisation state topic, as the organisation service does. */
  publishOrganisations(organisations: readonly Organisation[]): Promise<void> {
    return this.publishState(
      'organisation',
      organisations.map((o) => ({ id: o.id, value: o })),
    );
  }

  /** Publishes persons on the person state topic, as the person service does. */
  publishPersons(persons: readonly Person[]): Promise<void> {
    return this.publishState(
      'person',
      persons.map((p) => ({ id: p.id, value: p })),
    );
  }

  /** A tombstone on the person state topic: the person was deleted or erased. */
  removePerson(id: string): Promise<void> {
    return this.publishState('person', [{ id, value: null }]);
  }

  private async publishState(entity: 'organisation' | 'person', items: readonly { id: string; value: Organisation | Person | null }[]): Promise<void> {
    this.producer ??= await this.client.producer();
    const topic = this.names.state(entity);
    const encode = await this.serde.encoderFor<Organisation | Person>(topic, contractType(entityContracts(entity).state));
    await this.producer.send(
      items.map((i) => {
        const version = (this.versions.get(i.id) ?? 0) + 1;
        this.versions.set(i.id, version);
        return { topic, key: i.id, value: i.value === null ? null : encode(i.value), headers: { id: randomUUID(), 'stafett.entity.version': String(version) } };
      }),
    );
  }

  /** Waits until every given record has its result, and returns them by record id. */
  async resultsOf(records: readonly GroupImportRecord[], timeoutMs = 60_000): Promise<Map<string, ImportResult>> {
    const wanted = new Set(records.map((r) => r.recordId));
    return waitFor(
      `${wanted.size} import results`,
      () => {
        const found = new Map(this.results.filter((r) => wanted.has(r.recordId)).map((r) => [r.recordId, r]));
        return found.size === wanted.size ? found : undefined;
      },
      timeoutMs,
    );
  }

  /** The events of one group, in order, once there are at least `count`. */
  eventsOf(id: string, count: number): Promise<GroupChanged[]> {
    return waitFor(`${count} events of group ${id}`, () => {
      const found = this.events.filter((e) => e.value.entityId === id).map((e) => e.value);
      return found.length >= count ? found : undefined;
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer?.disconnect();
    await this.client.close();
  }
}
