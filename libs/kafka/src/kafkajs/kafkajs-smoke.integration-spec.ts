/**
 * Smoke test of kafkajs against the Apache Kafka 4.x broker we run (KIP-896 removed old protocol
 * versions in 4.0; this proves the ones kafkajs uses are still there).
 */
import { CompressionTypes, Partitioners, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import { testKafkaBrokers, uniqueId, waitFor } from '@stafett/testing';
import { KafkajsClient } from './kafkajs-client.adapter';
import type { KafkaAdminPort } from '../kafka-client.port';

describe('kafkajs on Kafka 4.x', () => {
  let client: KafkajsClient;
  let admin: KafkaAdminPort;
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('smoke') });
    admin = await client.admin();
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
    await Promise.all(producers.splice(0).map((p) => p.disconnect()));
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  async function idempotentProducer(): Promise<Producer> {
    const producer = client.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    producers.push(producer);
    return producer;
  }

  function consumer(groupId: string): Consumer {
    const c = client.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
    consumers.push(c);
    return c;
  }

  it('should create topics with compaction and retention configs', async () => {
    const state = `${uniqueId('smoke')}.state`;
    const events = `${uniqueId('smoke')}.events`;
    const created = await admin.createTopics([
      { topic: state, numPartitions: 3, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' } },
      { topic: events, numPartitions: 6, configs: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 24 * 3600 * 1000) } },
    ]);
    expect(created.sort()).toEqual([events, state].sort());
    expect(await admin.createTopics([{ topic: state }])).toEqual([]);

    expect(await admin.describeTopicConfigs(state, ['cleanup.policy'])).toEqual({ 'cleanup.policy': 'compact' });
    expect(await admin.describeTopicConfigs(events, ['cleanup.policy', 'retention.ms'])).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': '2592000000',
    });
  });

  it('should deliver every record of an idempotent producer once and in order per key', async () => {
    const topic = uniqueId('smoke-idem');
    await admin.createTopics([{ topic, numPartitions: 3 }]);
    const producer = await idempotentProducer();
    const keys = ['a', 'b', 'c', 'd'];
    for (let batch = 0; batch < 5; batch++) {
      await producer.send({
        topic,
        compression: CompressionTypes.GZIP,
        messages: keys.flatMap((key) => Array.from({ length: 25 }, (_, i) => ({ key, value: String(batch * 25 + i) }))),
      });
    }

    const seen = new Map<string, number[]>();
    const c = consumer(uniqueId('smoke-group'));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        const key = message.key!.toString();
        seen.set(key, [...(seen.get(key) ?? []), Number(message.value!.toString())]);
      },
    });
    await waitFor('500 records', () => ([...seen.values()].flat().length >= 500 ? true : undefined));
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 125 }, (_, i) => i));
  });

  it('should rebalance partitions when a second member joins the group', async () => {
    const topic = uniqueId('smoke-rebalance');
    await admin.createTopics([{ topic, numPartitions: 6 }]);
    const groupId = uniqueId('smoke-group');
    const assignments = new Map<string, number[]>();
    const join = async (name: string) => {
      const c = consumer(groupId);
      c.on(c.events.GROUP_JOIN, (e) => assignments.set(name, [...(e.payload.memberAssignment[topic] ?? [])].sort()));
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async () => undefined });
    };

    await join('first');
    await waitFor('first member owns all partitions', () => (assignments.get('first')?.length === 6 ? true : undefined));
    await join('second');
    await waitFor('partitions split between two members', () => {
      const a = assignments.get('first') ?? [];
      const b = assignments.get('second') ?? [];
      return a.length > 0 && b.length > 0 && a.length + b.length === 6 ? true : undefined;
    });
    const all = [...assignments.get('first')!, ...assignments.get('second')!].sort();
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('should resume from committed offsets after a consumer restart', async () => {
    const topic = uniqueId('smoke-offsets');
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const groupId = uniqueId('smoke-group');
    const producer = await idempotentProducer();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `first-${i}` })) });

    const firstRun: string[] = [];
    const first = consumer(groupId);
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    await first.run({ autoCommit: false, eachMessage: async ({ message, partition }) => {
      firstRun.push(message.value!.toString());
      await first.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    } });
    await waitFor('first ten', () => (firstRun.length === 10 ? true : undefined));
    await first.disconnect();

    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `second-${i}` })) });
    const secondRun: string[] = [];
    const second = consumer(groupId);
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    await second.run({ eachMessage: async ({ message }) => { secondRun.push(message.value!.toString()); } });
    await waitFor('the five new ones', () => (secondRun.length >= 5 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(secondRun).toEqual(['second-0', 'second-1', 'second-2', 'second-3', 'second-4']);
  });
});
