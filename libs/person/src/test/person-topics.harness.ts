import { randomUUID } from 'node:crypto';
import {
  contractType,
  entityContracts,
  IMPORT_RESULT_CONTRACT,
  TopicNames,
  topicDefinitions,
  type ImportResult,
  type Person,
  type PersonChanged,
  type PersonImportPayload,
  type PersonImportRecord,
} from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type ConsumedMessage, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor } from '@stafett/testing';

/** Test side of the person topics: produce import records, read every output topic with an independent consumer. */
export class PersonTopicsHarness {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('person-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  readonly events: { message: ConsumedMessage; value: PersonChanged }[] = [];
  readonly state: { message: ConsumedMessage; value: Person | null }[] = [];
  readonly results: ImportResult[] = [];
  readonly raw: ConsumedMessage[] = [];
  private readonly consumers: KafkaConsumerPort[] = [];
  private producer: KafkaProducerPort | undefined;

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async startReading(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
    const c = entityContracts('person');
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
      read(this.names.events('person'), async (m) => void this.events.push({ message: m, value: await this.serde.decode<PersonChanged>(m.value!, contractType(c.changed)) })),
      read(this.names.state('person'), async (m) => void this.state.push({ message: m, value: m.value ? await this.serde.decode<Person>(m.value, contractType(c.state)) : null })),
      read(this.names.importResults, async (m) => void this.results.push(await this.serde.decode<ImportResult>(m.value!, contractType(IMPORT_RESULT_CONTRACT)))),
      read(this.names.dlq, async () => undefined),
    ]);
  }

  async importRecords(
    system: string,
    items: readonly { externalId: string; payload: PersonImportPayload | null; op?: 'UPSERT' | 'DELETE' }[],
    batchId = randomUUID(),
    connectorId: string | null = null,
  ): Promise<PersonImportRecord[]> {
    this.producer ??= await this.client.producer();
    const topic = this.names.imports('person');
    const encode = await this.serde.encoderFor<PersonImportRecord>(topic, contractType(entityContracts('person').importRecord));
    const records: PersonImportRecord[] = items.map((i) => ({
      recordId: randomUUID(),
      batchId,
      source: { system, connectorId },
      externalId: i.externalId,
      op: i.op ?? 'UPSERT',
      receivedAt: new Date(),
      payload: i.payload,
    }));
    await this.producer.send(records.map((r) => ({ topic, key: `${system}:${r.externalId}`, value: encode(r) })));
    return records;
  }

  /** Waits until every given record has its result, and returns them by record id. */
  async resultsOf(records: readonly PersonImportRecord[], timeoutMs = 60_000): Promise<Map<string, ImportResult>> {
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

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.producer?.disconnect();
    await this.client.close();
  }
}
