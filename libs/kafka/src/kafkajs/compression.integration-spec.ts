/**
 * Record batches compressed by the Java client, read by our consumer. Producers outside Stafett
 * (connectors, other systems) often set `compression.type`; kafkajs reads only gzip by itself,
 * and any other codec crashed the consumer on every fetch of that partition. The batches here are
 * written by Kafka's own Java producer (`kafka-console-producer`, the jars the broker runs on).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { testKafkaBrokers, uniqueId, waitFor } from '@stafett/testing';
import type { KafkaConsumerPort } from '../kafka-client.port';
import { KafkajsClient } from './kafkajs-client.adapter';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const PER_CODEC = 300;

/** Lines of ~1 KiB, distinct, compressible: a batch of them spans several LZ4 blocks and Snappy chunks. */
const line = (codec: string, i: number) => `${codec}-${i}-${'abcdefghij'.repeat(100)}${i}`;

function javaProduce(topic: string, codec: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'java',
      [
        '-cp',
        path.join(repo, 'tools/kafka/lib/*'),
        `-Dlog4j2.configurationFile=${path.join(repo, 'tools/kafka/log4j2.properties')}`,
        'org.apache.kafka.tools.ConsoleProducer',
        '--bootstrap-server',
        testKafkaBrokers()[0],
        '--topic',
        topic,
        '--compression-codec',
        codec,
        // Each line: headers, a tab, the value. Header names a JS object already has (kafkajs's own
        // decoder, which reads compressed batches, merged such a header with the inherited member).
        '--property',
        'parse.headers=true',
      ],
      { timeout: 60_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(`kafka-console-producer (${codec}) failed: ${error.message}\n${stderr}`)) : resolve()),
    );
    child.stdin!.end(lines.map((l) => `constructor:c,toString:t,__proto__:p,origin:${codec}\t${l}`).join('\n') + '\n');
  });
}

describe('record batches compressed by the Java client', () => {
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('compression') });
  const consumers: KafkaConsumerPort[] = [];

  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await client.close();
  });

  it('should hand over every record of gzip, snappy, lz4 and zstd batches, in order, with its headers', async () => {
    const topic = uniqueId('compressed');
    const admin = await client.admin();
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    await admin.disconnect();
    const sent: string[] = [];
    for (const codec of CODECS) {
      const lines = Array.from({ length: PER_CODEC }, (_, i) => line(codec, i));
      await javaProduce(topic, codec, lines);
      sent.push(...lines);
    }

    const received: string[] = [];
    const headers: Record<string, string | undefined>[] = [];
    const consumer = client.consumer({
      groupId: uniqueId('compressed-reader'),
      topics: [topic],
      dlqTopic: `${topic}.dlq`,
      handler: async (messages) => {
        for (const m of messages) {
          received.push(m.value!.toString());
          headers.push(Object.fromEntries(Object.keys(m.headers).map((k) => [k, (Object.getOwnPropertyDescriptor(m.headers, k)?.value as Buffer | undefined)?.toString()])));
        }
      },
    });
    consumers.push(consumer);
    await consumer.start();
    await waitFor(`${sent.length} records`, () => (received.length >= sent.length ? true : undefined), 60_000);
    expect(received.length).toBe(sent.length);
    expect(received).toEqual(sent);
    const expected = (codec: string) => JSON.parse(`{"constructor":"c","toString":"t","__proto__":"p","origin":"${codec}"}`) as Record<string, string>;
    expect(headers).toEqual(CODECS.flatMap((codec) => Array.from({ length: PER_CODEC }, () => expected(codec))));
  }, 180_000);
});
