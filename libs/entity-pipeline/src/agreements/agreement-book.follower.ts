import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { contractType, topicDefinitions, type ConnectorAgreement, type TopicNames } from '@stafett/contracts';
import {
  isTransient,
  PermanentError,
  provisionTopics,
  RetryingStart,
  type AvroSerde,
  type ConsumedMessage,
  type FailedMessage,
  type KafkaAdminPort,
  type KafkaClientPort,
  type KafkaConsumerPort,
} from '@stafett/kafka';
import type { AgreementBook } from './agreement-book';

export const CONNECTOR_AGREEMENT_CONTRACT = 'se.stafett.connect.ConnectorAgreement' as const;

export interface AgreementBookFollowerOptions {
  /** How often the group's lag is read while loading; default 200 ms. */
  readonly pollMs?: number;
  /**
   * Loaded anyway after this long without a message while some lag remains (a compacted tail:
   * the last offsets of the topic may hold no record any more); default 10 s.
   */
  readonly idleMs?: number;
}

/**
 * Follows `stafett.connectors.v1` from the beginning into the process's `AgreementBook`, through
 * our Kafka port with the registry serde, and keeps following it. Every process reads the whole
 * topic: its consumer group is its own (`<prefix>stafett.agreements.<uuid>`; Kafka forgets an
 * empty group after `offsets.retention.minutes`). The book is marked loaded once the group has no
 * lag, i.e. it has read what the topic held when the process started.
 */
export class AgreementBookFollower {
  private readonly log = new Logger('agreements');
  private readonly start: RetryingStart;
  private consumer: KafkaConsumerPort | undefined;
  private readonly reader = contractType(CONNECTOR_AGREEMENT_CONTRACT);
  readonly groupId: string;
  private lastMessageAt = 0;
  private loading: Promise<void> | undefined;
  private begun = false;
  private ending: Promise<void> | undefined;

  constructor(
    private readonly book: AgreementBook,
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly topics: TopicNames,
    private readonly options: AgreementBookFollowerOptions = {},
  ) {
    this.start = new RetryingStart('agreement book', { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
    this.groupId = `${topics.prefix}stafett.agreements.${randomUUID()}`;
  }

  get topic(): string {
    return this.topics.connectors;
  }

  /** Starts following in the background (once; every pipeline of the process may ask). */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    this.start.begin(
      () => this.run(),
      () => this.halt(),
    );
  }

  /** Stops following (once; every caller waits for the same stop). */
  end(): Promise<void> {
    this.ending ??= (async () => {
      await this.start.stop();
      await this.halt();
      await this.loading;
    })();
    return this.ending;
  }

  private async run(): Promise<void> {
    const definition = topicDefinitions({ prefix: this.topics.prefix }).find((t) => t.topic === this.topic)!;
    await provisionTopics(this.kafka, [definition]);
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      topics: [this.topic],
      dlqTopic: this.topics.dlq,
      fromBeginning: true,
      maxBatchSize: 500,
      handler: (messages) => this.handle(messages),
    });
    await this.consumer.start();
    this.lastMessageAt = Date.now();
    this.log.log({ topic: this.topic }, 'following the integration agreements');
    this.loading ??= this.watchLoading().finally(() => (this.loading = undefined));
  }

  /** Applies a batch of agreement records (tombstones remove) in offset order. */
  async handle(messages: readonly ConsumedMessage[]): Promise<{ failed: FailedMessage[] }> {
    this.lastMessageAt = Date.now();
    const failed: FailedMessage[] = [];
    for (const m of messages) {
      const key = m.key?.toString('utf8') ?? '';
      try {
        if (key === '') throw new PermanentError('NO_KEY', 'an agreement record without a connector id key');
        if (m.value === null) {
          if (this.book.remove(key) === 'removed') this.log.log({ connectorId: key }, 'connector removed: its agreement no longer applies');
          continue;
        }
        const agreement = await this.serde.decode<ConnectorAgreement>(m.value, this.reader);
        if (agreement.connectorId !== key) throw new PermanentError('KEY_MISMATCH', `an agreement of connector ${agreement.connectorId} under the key ${key}`);
        const change = this.book.put(agreement);
        if (change === 'stale') this.log.warn({ connectorId: key, revision: agreement.revision }, 'an older revision of an agreement was ignored');
        else if (change !== 'unchanged') this.log.log({ connectorId: key, revision: agreement.revision, change }, 'integration agreement applied');
      } catch (error) {
        // The registry away: the whole batch again (never to the DLQ, which would lose an agreement).
        if (isTransient(error)) throw error;
        this.log.error({ connectorId: key, offset: m.offset, error: (error as Error).message }, 'an agreement record that cannot be read goes to the DLQ');
        failed.push({ message: m, error });
      }
    }
    return { failed };
  }

  /** Marks the book loaded once the group has read the topic to its end (or the tail stays silent). */
  private async watchLoading(): Promise<void> {
    const pollMs = this.options.pollMs ?? 200;
    const idleMs = this.options.idleMs ?? 10_000;
    let admin: KafkaAdminPort | undefined;
    try {
      while (!this.book.loaded && !this.start.isStopping && this.consumer) {
        try {
          admin ??= await this.kafka.admin();
          const lag = (await admin.groupLag(this.groupId, [this.topic])).reduce((n, p) => n + Math.max(0, p.lag), 0);
          if (lag === 0 || Date.now() - this.lastMessageAt > idleMs) {
            this.book.markLoaded();
            if (lag === 0) this.log.log({ connectors: this.book.size }, 'integration agreements loaded');
            else this.log.warn({ connectors: this.book.size, lag }, 'integration agreements loaded (the rest of the topic holds no record)');
            return;
          }
        } catch (e) {
          this.log.warn({ error: (e as Error).message }, 'reading the agreement topic lag failed; trying again');
          await admin?.disconnect().catch(() => undefined);
          admin = undefined;
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    } finally {
      await admin?.disconnect().catch(() => undefined);
    }
  }

  private async halt(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch(() => undefined);
  }
}
