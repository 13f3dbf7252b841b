/**
 * libs/kafka on the real broker and the built-in registry: Avro through the registry end to end,
 * and poison messages in the DLQ without blocking their partition.
 */
import { randomUUID } from 'node:crypto';
import { contractType, IMPORT_RESULT_CONTRACT, TopicNames, topicDefinitions, type ImportResult } from '@stafett/contracts';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor } from '@stafett/testing';
import { AvroSerde } from './avro-serde';
import { DLQ_HEADERS } from './dead-letter';
import type { ConsumedMessage, KafkaConsumerPort, KafkaProducerPort } from './kafka-client.port';
import { KafkajsClient } from './kafkajs/kafkajs-client.adapter';
import { provisionTopics } from './provision-topics';
import { HttpSchemaRegistryClient } from './schema-registry.client';

const resultType = contractType(IMPORT_RESULT_CONTRACT);

function result(i: number): ImportResult {
  return {
    recordId: randomUUID(),
    batchId: 'b1',
    entityType: 'person',
    externalId: `ext-${i}`,
    outcome: i % 10 === 0 ? 'REJECTED' : 'CREATED',
    entityId: i % 10 === 0 ? null : randomUUID(),
    version: i % 10 === 0 ? null : 1,
    reasons: i % 10 === 0 ? [{ code: 'INVALID_PERSONNUMMER', field: 'personalIdentityNumber', message: 'Luhn check failed' }] : [],
  };
}

describe('libs/kafka on Kafka and the registry', () => {
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('kafka-it') });
  const serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  const consumers: KafkaConsumerPort[] = [];
  let producer: KafkaProducerPort;

  beforeAll(async () => {
    producer = await client.producer();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await producer.disconnect();
    await client.close();
  });

  async function topics(): Promise<TopicNames> {
    const names = new TopicNames(`${uniqueId('it')}.`);
    const created = await provisionTopics(client, topicDefinitions({ prefix: names.prefix, partitions: 2 }));
    expect(created).toEqual(expect.arrayContaining([names.importResults, names.dlq, names.state('person')]));
    return names;
  }

  async function readAll(topic: string, count: number): Promise<ConsumedMessage[]> {
    const seen: ConsumedMessage[] = [];
    const c = client.consumer({
      groupId: uniqueId('reader'),
      topics: [topic],
      dlqTopic: `${topic}.unused-dlq`,
      handler: async (ms) => {
        seen.push(...ms);
      },
    });
    consumers.push(c);
    await c.start();
    await waitFor(`${count} record(s) on ${topic}`, () => (seen.length >= count ? true : undefined));
    return seen;
  }

  /** Reads the results topic in a group of its own: the ImportResults decoded, in order (the rest goes to the DLQ). */
  async function readResults(names: TopicNames, count: number, options: { maxBatchSize?: number; retry?: { initialMs: number; maxMs: number } } = {}) {
    const received: { message: ConsumedMessage; value: ImportResult }[] = [];
    const consumer = client.consumer({
      groupId: uniqueId('results'),
      topics: [names.importResults],
      dlqTopic: names.dlq,
      ...options,
      handler: async (messages) => {
        const { decoded, failed } = await serde.decodeBatch<ImportResult>(messages, resultType);
        received.push(...decoded);
        return { failed };
      },
    });
    consumers.push(consumer);
    await consumer.start();
    await waitFor(`${count} result(s)`, () => (received.length >= count ? true : undefined));
    return received;
  }

  it('should produce Avro through the registry and decode it in a consumer group', async () => {
    const names = await topics();
    const encode = await serde.encoderFor<ImportResult>(names.importResults, resultType);
    const sent = Array.from({ length: 300 }, (_, i) => result(i));
    await producer.send(sent.map((r) => ({ topic: names.importResults, key: r.recordId, value: encode(r) })));

    const received = (await readResults(names, 300)).map((d) => d.value);

    const byId = (rs: ImportResult[]) => [...rs].sort((a, b) => a.recordId.localeCompare(b.recordId));
    expect(byId(received)).toEqual(byId(sent));
  });

  it('should send poison to the DLQ with its provenance and keep consuming the partition', async () => {
    const names = await topics();
    const encode = await serde.encoderFor<ImportResult>(names.importResults, resultType);
    const valid = Array.from({ length: 30 }, (_, i) => result(i));
    const notAvro = Buffer.from('{"recordId":"not avro"}');
    const unknownSchema = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xff]), resultType.toBuffer(valid[0])]);
    const key = 'one-key'; // one partition: poison must not block what follows it
    await producer.send([
      ...valid.slice(0, 10).map((r) => ({ topic: names.importResults, key, value: encode(r) })),
      { topic: names.importResults, key, value: notAvro, headers: { origin: 'test' } },
      ...valid.slice(10, 20).map((r) => ({ topic: names.importResults, key, value: encode(r) })),
      { topic: names.importResults, key, value: unknownSchema },
      ...valid.slice(20).map((r) => ({ topic: names.importResults, key, value: encode(r) })),
    ]);

    const received = (await readResults(names, 30, { maxBatchSize: 7 })).map((d) => d.value.externalId);
    expect(received).toEqual(valid.map((r) => r.externalId));

    const dlq = await readAll(names.dlq, 2);
    expect(dlq.map((m) => ({ key: m.key?.toString(), value: m.value, code: m.headers[DLQ_HEADERS.errorCode]?.toString(), offset: m.headers[DLQ_HEADERS.offset]?.toString(), topic: m.headers[DLQ_HEADERS.topic]?.toString() }))).toEqual([
      { key, value: notAvro, code: 'BAD_MAGIC_BYTE', offset: '10', topic: names.importResults },
      { key, value: unknownSchema, code: 'UNKNOWN_SCHEMA', offset: '21', topic: names.importResults },
    ]);
    expect(dlq[0].headers['origin']?.toString()).toBe('test');
  });

  it('should hand over a record with a header that has no value (null, as other clients may send) or is named __proto__, and keep consuming', async () => {
    const names = await topics();
    const encode = await serde.encoderFor<ImportResult>(names.importResults, resultType);
    const valid = Array.from({ length: 6 }, (_, i) => result(i + 1));
    const key = 'one-key';
    // A Java producer may add a header with a null value (our port's type does not offer it, the
    // wire does), and a header may be named like any property.
    const nullHeader = JSON.parse('{"x-empty": null, "origin": "test", "__proto__": "p"}') as Record<string, Buffer>;
    await producer.send([
      ...valid.slice(0, 3).map((r) => ({ topic: names.importResults, key, value: encode(r) })),
      { topic: names.importResults, key, value: encode(valid[3]), headers: nullHeader },
      ...valid.slice(4).map((r) => ({ topic: names.importResults, key, value: encode(r) })),
    ]);

    const received = await readResults(names, 6);
    expect(received.map((d) => d.value.externalId)).toEqual(valid.map((r) => r.externalId));
    const headers = received[3].message.headers;
    expect(Object.keys(headers)).toEqual(['x-empty', 'origin', '__proto__']);
    expect(headers['x-empty']).toBeUndefined();
    expect(headers['origin']?.toString()).toBe('test');
    expect((Object.getOwnPropertyDescriptor(headers, '__proto__')?.value as Buffer | undefined)?.toString()).toBe('p');
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });

  it('should send in one call more than one record batch of a partition may hold (the broker refuses a batch over 1 MiB)', async () => {
    const names = await topics();
    const key = 'one-partition';
    const values = Array.from({ length: 30 }, (_, i) => Buffer.alloc(100 * 1024, i)); // 3 MB, all for one partition
    await producer.send(values.map((value) => ({ topic: names.importResults, key, value })));
    const read = await readAll(names.importResults, values.length);
    expect(read.map((m) => m.value![0])).toEqual(values.map((v) => v[0]));
  });

  it('should dead-letter a poison record as large as the topic takes (its provenance headers on top) and keep consuming', async () => {
    const names = await topics();
    const encode = await serde.encoderFor<ImportResult>(names.importResults, resultType);
    const valid = Array.from({ length: 4 }, (_, i) => result(i + 1));
    // Just under the broker's default limit for one record batch (message.max.bytes 1,048,588).
    const huge = Buffer.alloc(1_048_400, 'x');
    const key = 'one-key';
    // One send each: a batch with the huge record and others would be over the limit.
    await producer.send(valid.slice(0, 2).map((r) => ({ topic: names.importResults, key, value: encode(r) })));
    await producer.send([{ topic: names.importResults, key, value: huge }]);
    await producer.send(valid.slice(2).map((r) => ({ topic: names.importResults, key, value: encode(r) })));

    const received = await readResults(names, 4, { retry: { initialMs: 50, maxMs: 200 } });
    expect(received.map((d) => d.value.externalId)).toEqual(valid.map((r) => r.externalId));
    const [dead] = await readAll(names.dlq, 1);
    expect(dead.value?.equals(huge)).toBe(true);
    expect(dead.headers[DLQ_HEADERS.errorCode]?.toString()).toBe('BAD_MAGIC_BYTE');
    expect(dead.headers[DLQ_HEADERS.offset]?.toString()).toBe('2');
  });

  describe('a consumer whose handler stores its offsets with its data', () => {
    async function lagOf(groupId: string, topic: string): Promise<number> {
      const admin = await client.admin();
      try {
        return (await admin.groupLag(groupId, [topic])).reduce((n, p) => n + p.lag, 0);
      } finally {
        await admin.disconnect();
      }
    }

    it('should commit to Kafka once it goes quiet, so the group shows no lag when idle', async () => {
      const names = await topics();
      const encode = await serde.encoderFor<ImportResult>(names.importResults, resultType);
      await producer.send(Array.from({ length: 50 }, (_, i) => result(i)).map((r) => ({ topic: names.importResults, key: r.recordId, value: encode(r) })));
      const groupId = uniqueId('stored');
      let handled = 0;
      const consumer = client.consumer({
        groupId,
        topics: [names.importResults],
        dlqTopic: names.dlq,
        offsetsStoredWithData: true,
        handler: async (messages) => {
          handled += messages.length;
        },
      });
      consumers.push(consumer);
      await consumer.start();
      await waitFor('50 handled', () => (handled >= 50 ? true : undefined));
      // Kafka's committed offset follows within the lazy-commit interval, with nothing more arriving.
      await waitFor('the group committed in Kafka', async () => ((await lagOf(groupId, names.importResults)) === 0 ? true : undefined), 15_000, 500);
    });

    it('should commit what it handled when it stops, so a restart begins after it', async () => {
      const names = await topics();
      const encode = await serde.encoderFor<ImportResult>(names.importResults, resultType);
      const groupId = uniqueId('stored');
      const seen: string[] = [];
      const start = async () => {
        const c = client.consumer({
          groupId,
          topics: [names.importResults],
          dlqTopic: names.dlq,
          offsetsStoredWithData: true,
          handler: async (messages) => {
            const { decoded } = await serde.decodeBatch<ImportResult>(messages, resultType);
            seen.push(...decoded.map((d) => d.value.externalId));
          },
        });
        await c.start();
        return c;
      };
      const first = await start();
      const wave1 = Array.from({ length: 20 }, (_, i) => result(i + 1));
      await producer.send(wave1.map((r) => ({ topic: names.importResults, key: r.recordId, value: encode(r) })));
      await waitFor('the first 20', () => (seen.length >= 20 ? true : undefined));
      await first.stop();
      const wave2 = Array.from({ length: 5 }, (_, i) => result(i + 101));
      await producer.send(wave2.map((r) => ({ topic: names.importResults, key: r.recordId, value: encode(r) })));
      const second = await start();
      consumers.push(second);
      await waitFor('the next 5', () => (seen.length >= 25 ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      expect([...seen].sort()).toEqual([...wave1, ...wave2].map((r) => r.externalId).sort());
    });
  });
});
