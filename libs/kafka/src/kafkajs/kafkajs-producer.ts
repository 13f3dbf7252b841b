import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { TransientError } from '../errors';
import { Murmur2Partitioner } from './murmur2-partitioner';
import type { KafkaProducerPort, OutgoingMessage } from '../kafka-client.port';

/** Records per kafkajs sendBatch call: kafkajs does no client-side batching, we do. */
const CHUNK = 2_000;

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
      for (let i = 0; i < messages.length; i += CHUNK) {
        const byTopic = new Map<string, Message[]>();
        for (const m of messages.slice(i, i + CHUNK)) {
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
