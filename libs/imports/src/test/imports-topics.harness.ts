import { contractType, entityContracts, IMPORT_RESULT_CONTRACT, TopicNames, topicDefinitions, type ImportResult, type PersonImportRecord } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type ConsumedMessage, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId } from '@stafett/testing';

/** Test side of the imports API: reads what it produced to the person imports topic, plays the person service's results. */
export class ImportsTopicsHarness {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('imports-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  readonly personRecords: { message: ConsumedMessage; value: PersonImportRecord }[] = [];
  private consumer: KafkaConsumerPort | undefined;
  private producer: KafkaProducerPort | undefined;

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async startReading(): Promise<void> {
    // The app under test provisions in the background; the reader must not race it.
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
    const topic = this.names.imports('person');
    const reader = contractType(entityContracts('person').importRecord);
    this.consumer = this.client.consumer({
      groupId: uniqueId('reader'),
      topics: [topic],
      dlqTopic: `${topic}.reader-dlq`,
      handler: async (ms) => {
        for (const m of ms) this.personRecords.push({ message: m, value: await this.serde.decode<PersonImportRecord>(m.value!, reader) });
      },
    });
    await this.consumer.start();
  }

  /** Produces results as a domain service would. */
  async sendResults(results: readonly ImportResult[]): Promise<void> {
    this.producer ??= await this.client.producer();
    const topic = this.names.importResults;
    const encode = await this.serde.encoderFor<ImportResult>(topic, contractType(IMPORT_RESULT_CONTRACT));
    await this.producer.send(results.map((r) => ({ topic, key: r.recordId, value: encode(r) })));
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
    await this.producer?.disconnect();
    await this.client.close();
  }
}
