// Before kafkajs loads: its producer binds the grouping function when its module loads.
import './partition-grouping';
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { TransientError } from '../errors';
import { Murmur2Partitioner } from './murmur2-partitioner';
import type { KafkaProducerPort, OutgoingMessage } from '../kafka-client.port';

/** Records per kafkajs sendBatch call: kafkajs does no client-side batching, we do. */
const CHUNK = 2_000;

/**
 * Bytes per topic per sendBatch call, at most (one record alone may be larger). kafkajs writes all
 * of a call's records for one partition as one record batch, and the broker refuses a batch above
 * the topic's `max.message.bytes` (1 MiB by default) as a whole, every time: the chunk must end
 * before any partition's share could reach it. Bounding the topic's bytes bounds each of its partitions'.
 */
export const MAX_TOPIC_BYTES_PER_CALL = 900 * 1024;

/** A record's bytes in a record batch, about: key, value, header names and values, and its framing. */
function recordBytes(m: OutgoingMessage): number {
  const size = (v: string | Buffer | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  let n = 24 + size(m.key) + size(m.value);
  if (m.headers) for (const k of Object.keys(m.headers)) n += 8 + Buffer.byteLength(k) + size(m.headers[k]);
  return n;
}

/** The messages cut into sendBatch calls of at most CHUNK records and MAX_TOPIC_BYTES_PER_CALL per topic, in order. */
export function chunkMessages(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let chunk: OutgoingMessage[] = [];
  let bytes = new Map<string, number>();
  for (const m of messages) {
    const n = recordBytes(m);
    const topicBytes = bytes.get(m.topic) ?? 0;
    if (chunk.length > 0 && (chunk.length >= CHUNK || topicBytes + n > MAX_TOPIC_BYTES_PER_CALL)) {
      chunks.push(chunk);
      chunk = [];
      bytes = new Map();
    }
    chunk.push(m);
    bytes.set(m.topic, (bytes.get(m.topic) ?? 0) + n);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * An idempotent kafkajs producer with one send in flight (kafkajs has dropped messages under
 * concurrent sends on one idempotent producer, #1005): callers queue on a promise chain. After a
 * failed send the producer is replaced, since its sequence numbers may no longer match the broker's.
 */
export class KafkajsProducer implements KafkaProducerPort {
  private producer: Producer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly kafka: Kafka) {}

  async connect(): Promise<void> {
    await this.current();
  }

  send(messages: readonly OutgoingMessage[]): Promise<void> {
    const run = this.queue.then(() => this.sendNow(messages));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private async current(): Promise<Producer> {
    if (this.closed) throw new Error('producer is disconnected');
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Murmur2Partitioner,
        retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async sendNow(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.current();
    try {
      for (const chunk of chunkMessages(messages)) {
        const byTopic = new Map<string, Message[]>();
        for (const m of chunk) {
          let list = byTopic.get(m.topic);
          if (!list) byTopic.set(m.topic, (list = []));
          list.push({ key: m.key, value: m.value, headers: m.headers ? { ...m.headers } : undefined });
        }
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
        });
      }
    } catch (e) {
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw new TransientError('PRODUCE_FAILED', `could not produce ${messages.length} message(s): ${(e as Error).message}`, { cause: e });
    }
  }
}
