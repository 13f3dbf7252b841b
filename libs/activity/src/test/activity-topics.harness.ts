import { randomUUID } from 'node:crypto';
import {
  contractType,
  entityContracts,
  IMPORT_RESULT_CONTRACT,
  TopicNames,
  topicDefinitions,
  type Activity,
  type ActivityChanged,
  type ActivityImportPayload,
  type ActivityImportRecord,
  type Group,
  type Organisation,
  type Person,
  type ImportResult,
} from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type ConsumedMessage, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor } from '@stafett/testing';

/** Test side of the activity topics: produce import records, read every output topic with an independent consumer. */
export class ActivityTopicsHarness {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('activity-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  readonly events: { message: ConsumedMessage; value: ActivityChanged }[] = [];
  readonly state: { message: ConsumedMessage; value: Activity | null }[] = [];
  readonly results: ImportResult[] = [];
  readonly raw: ConsumedMessage[] = [];
  private readonly consumers: KafkaConsumerPort[] = [];
  private producer: KafkaProducerPort | undefined;
  private readonly versions = new Map<string, number>();

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async startReading(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
    const c = entityContracts('activity');
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
      read(this.names.events('activity'), async (m) => void this.events.push({ message: m, value: await this.serde.decode<ActivityChanged>(m.value!, contractType(c.changed)) })),
      read(
        this.names.state('activity'),
        async (m) => void this.state.push({ message: m, value: m.value ? await this.serde.decode<Activity>(m.value, contractType(c.state)) : null }),
      ),
      read(this.names.importResults, async (m) => void this.results.push(await this.serde.decode<ImportResult>(m.value!, contractType(IMPORT_RESULT_CONTRACT)))),
    ]);
  }

  async importRecords(
    system: string,
    items: readonly { externalId: string; payload: ActivityImportPayload | null; op?: 'UPSERT' | 'DELETE' }[],
    batchId = randomUUID(),
  ): Promise<ActivityImportRecord[]> {
    this.producer ??= await this.client.producer();
    const topic = this.names.imports('activity');
    const encode = await this.serde.encoderFor<ActivityImportRecord>(topic, contractType(entityContracts('activity').importRecord));
    const records: ActivityImportRecord[] = items.map((i) => ({
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

  /**
   * Publishes another entity's state (or its tombstone) on its state topic, as its service's relay
   * would: what the activity service's projections read. Versions count per id.
   */
  async publishState(entity: 'organisation' | 'person' | 'group', id: string, value: Organisation | Person | Group | null): Promise<void> {
    this.producer ??= await this.client.producer();
    const topic = this.names.state(entity);
    const version = (this.versions.get(id) ?? 0) + 1;
    this.versions.set(id, version);
    const encoded = value === null ? null : (await this.serde.encoderFor<typeof value>(topic, contractType(entityContracts(entity).state)))(value);
    await this.producer.send([{ topic, key: id, value: encoded, headers: { id: randomUUID(), 'stafett.entity.version': String(version) } }]);
  }

  /** Waits until every given record has its result, and returns them by record id. */
  async resultsOf(records: readonly ActivityImportRecord[], timeoutMs = 60_000): Promise<Map<string, ImportResult>> {
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

  /** The first event of an activity with this op (waits for it). */
  eventOf(id: string, op: ActivityChanged['op'], after = 0): Promise<ActivityChanged> {
    return waitFor(`the ${op} event of ${id}`, () => this.events.find((e) => e.value.entityId === id && e.value.op === op && e.value.version > after)?.value);
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer?.disconnect();
    await this.client.close();
  }
}
