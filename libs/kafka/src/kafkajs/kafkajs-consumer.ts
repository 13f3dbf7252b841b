import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { BatchProcessor, StopRequestedError } from '../batch-processor';
import { bounded } from '../bounded';
import { deadLetter } from '../dead-letter';
import { errorCode } from '../errors';
import { setHeader } from '../headers';
import { describeError } from '@stafett/observability';
import type { ConsumedMessage, ConsumerOptions, KafkaConsumerPort, KafkaProducerPort } from '../kafka-client.port';
import type { KafkaLogSink } from './kafkajs-log';
import { topicNotYetKnown } from './topic-not-yet-known';

type RawHeader = Buffer | string | null | undefined;

/** A header's value as our port gives it: bytes, or undefined where the record's header has none (null on the wire). */
const headerBytes = (v: RawHeader): Buffer | undefined => (Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : undefined);

/**
 * A header's first value. kafkajs's own decoder (compressed batches) merges a header named after an
 * `Object.prototype` member (`constructor`, `toString`, `__proto__`) with the inherited member into an
 * array, `[Object, value]`: values that are not header bytes are skipped.
 */
const isHeaderValue = (x: unknown): x is RawHeader => x === null || typeof x === 'string' || Buffer.isBuffer(x);
const firstValue = (v: RawHeader | unknown[]): RawHeader => (Array.isArray(v) ? v.find(isHeaderValue) : v);

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  const headers: Record<string, Buffer | undefined> = {};
  const raw = m.headers as Record<string, RawHeader | unknown[]> | undefined;
  if (raw) for (const k of Object.keys(raw)) setHeader(headers, k, headerBytes(firstValue(raw[k])));
  return { topic, partition, offset: m.offset, key: m.key, value: m.value, headers, timestamp: m.timestamp };
}

/**
 * Subscribes, waiting out a broker whose metadata does not yet know a topic just created (KRaft
 * spreads it a moment later: UNKNOWN_TOPIC_OR_PARTITION, "does not host this topic-partition").
 */
async function subscribeWhenKnown(consumer: Consumer, topic: string, fromBeginning: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await consumer.subscribe({ topic, fromBeginning });
      return;
    } catch (e) {
      if (attempt >= 20 || !topicNotYetKnown(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
    }
  }
}

/** How often a consumer whose handler stores its offsets with its data commits them to Kafka. */
const LAZY_COMMIT_MS = 5_000;

/** Backoff between new consumers after crashes kafkajs does not restart from: 1 s doubling to 30 s. */
const RELAUNCH_INITIAL_MS = 1_000;
const RELAUNCH_MAX_MS = 30_000;

/**
 * A batch consumer on kafkajs `eachBatch`: the retry/DLQ policy of `BatchProcessor`, offsets
 * committed explicitly after each batch (at-least-once; consumers are idempotent).
 */
export class KafkajsConsumer implements KafkaConsumerPort {
  private consumer: Consumer | undefined;
  private stopping = false;
  /** Offsets handled but not yet committed to Kafka (`offsetsStoredWithData`), by partition. */
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastCommit = Date.now();
  /** Commits what is pending once the consumer has been quiet for a while (Kafka's lag must reach 0 when idle). */
  private flushTimer: NodeJS.Timeout | undefined;

  /** The launch in flight, if any (settles either way). */
  private launching: Promise<void> | undefined;
  /** Group joins so far: offsets of a commit that failed are put back only if no rebalance came between. */
  private joins = 0;
  /** Resolves `start()` once the first kafkajs consumer joined the group. */
  private onFirstJoin: (() => void) | undefined;
  /** Crashes kafkajs did not restart from since the group was last joined (the backoff's exponent). */
  private relaunches = 0;
  private relaunchTimer: NodeJS.Timeout | undefined;
  private readonly processor: BatchProcessor;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
    private readonly dlqProducer: () => Promise<KafkaProducerPort>,
    private readonly log?: KafkaLogSink,
  ) {
    const o = options;
    this.processor = new BatchProcessor({
      handler: o.handler,
      maxBatchSize: o.maxBatchSize ?? 500,
      retry: { initialMs: o.retry?.initialMs ?? 200, maxMs: o.retry?.maxMs ?? 10_000 },
      isStopping: () => this.stopping,
      deadLetter: async (failed) => {
        const producer = await this.dlqProducer();
        await producer.send(failed.map((f) => deadLetter(f, o.groupId, o.dlqTopic)));
        const errors = failed.map((f) => ({ code: errorCode(f.error), message: describeError(f.error, 1500) }));
        this.log?.warn({ group: o.groupId, count: failed.length, errors }, 'messages sent to the DLQ');
      },
      onTransientError: (error, attempt, delayMs) =>
        this.log?.warn({ group: o.groupId, attempt, delayMs: Math.round(delayMs), error: (error as Error)?.message }, 'transient error, retrying batch'),
    });
  }

  async start(): Promise<void> {
    this.stopping = false;
    const joined = new Promise<void>((resolve) => (this.onFirstJoin = resolve));
    await this.launch();
    await joined;
  }

  /** Runs `launchNow`, known to `stop()` (which waits for it, so no consumer it made outlives the stop). */
  private launch(): Promise<void> {
    const launching = this.launchNow();
    this.launching = launching.catch(() => undefined);
    return launching;
  }

  /** A consumer `stop()` or a newer launch has replaced: whatever its launch still does is undone. */
  private abandoned(consumer: Consumer): boolean {
    return this.stopping || this.consumer !== consumer;
  }

  /**
   * A kafkajs consumer on our options. kafkajs restarts it after a retriable crash; after one it
   * deems non-retriable (the coordinator no longer knows the member while it re-joins, the group is
   * full) it only emits CRASH with `restart: false` and stays stopped, so we start a new one.
   */
  private async launchNow(): Promise<void> {
    const o = this.options;
    const consumer = this.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      // A fetch is decoded whole into messages: its size bounds what a consumer holds (kafkajs's default is 10 MiB).
      maxBytes: o.batching?.maxFetchBytes ?? 2 * 1024 * 1024,
      maxBytesPerPartition: o.batching?.maxFetchBytes ? o.batching.maxFetchBytes / 2 : 1024 * 1024,
      ...(o.batching ? { minBytes: o.batching.minFetchBytes, maxWaitTimeInMs: o.batching.maxFetchWaitMs } : {}),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // After a rebalance the partitions may be another member's: forget what was not committed.
      this.pending.clear();
      this.joins++;
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.relaunches = 0;
      this.onFirstJoin?.();
      this.onFirstJoin = undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && this.consumer === consumer) this.relaunchLater(payload.error);
    });
    const undoIfAbandoned = async () => {
      if (!this.abandoned(consumer)) return false;
      await consumer.disconnect().catch(() => undefined);
      return true;
    };
    await consumer.connect();
    for (const topic of o.topics) {
      if (await undoIfAbandoned()) return;
      await subscribeWhenKnown(consumer, topic, o.fromBeginning ?? true);
    }
    if (await undoIfAbandoned()) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(consumer, payload),
    });
    await undoIfAbandoned();
  }

  /** Starts a new kafkajs consumer after a crash kafkajs does not recover from, with backoff, until stopped. */
  private relaunchLater(error: unknown): void {
    if (this.stopping) return;
    const delayMs = Math.min(RELAUNCH_MAX_MS, RELAUNCH_INITIAL_MS * 2 ** this.relaunches++);
    this.log?.error(
      { group: this.options.groupId, delayMs, error: describeError(error, 500) },
      'consumer stopped on an error kafkajs does not retry; starting a new one',
    );
    clearTimeout(this.relaunchTimer);
    this.relaunchTimer = setTimeout(() => {
      this.relaunchTimer = undefined;
      if (this.stopping) return;
      const crashed = this.consumer;
      void (async () => {
        await crashed?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        await this.launch();
      })().catch((e: unknown) => this.relaunchLater(e));
    }, delayMs);
  }

  private async eachBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const o = this.options;
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    const messages = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
    try {
      await this.processor.process(messages, { heartbeat: () => payload.heartbeat() });
    } catch (e) {
      if (e instanceof StopRequestedError) return; // not committed: redelivered after restart
      throw e;
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    payload.resolveOffset(last);
    const next = { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() };
    if (!o.offsetsStoredWithData) {
      await consumer.commitOffsets([next]);
      return;
    }
    this.pending.set(`${batch.topic}\u0000${batch.partition}`, next);
    if (Date.now() - this.lastCommit >= LAZY_COMMIT_MS) await this.commitPendingQuietly(consumer);
    else this.flushTimer ??= setTimeout(() => void this.commitPendingQuietly(this.consumer), LAZY_COMMIT_MS).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    clearTimeout(this.relaunchTimer);
    this.relaunchTimer = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // A launch in flight sees `stopping` at its next step and disconnects what it made (bounded: it may be retrying a broker that is away).
    const launching = this.launching;
    this.launching = undefined;
    // Where a restart begins. Bounded: with Kafka away it would retry for long, and a commit that
    // does not happen only means redelivered records, which the handler recognises and skips.
    if (consumer && this.pending.size > 0) await bounded(this.commitPending(consumer).catch(() => undefined), 2_000);
    // A launch in flight first: kafkajs's disconnect does not end a group join in progress, whose
    // retries reconnect and go on after the stop returned (under jest: after the test file was torn
    // down). Once joined, the launch sees `stopping` and leaves the group itself.
    if (launching) await bounded(launching, 10_000);
    await consumer?.disconnect();
    this.consumer = undefined;
    // A start() still waiting for a group that never let it in returns: it was stopped.
    this.onFirstJoin?.();
    this.onFirstJoin = undefined;
  }

  private async commitPendingQuietly(consumer: Consumer | undefined): Promise<void> {
    if (this.stopping || !consumer) return;
    await this.commitPending(consumer).catch((e: unknown) =>
      this.log?.debug({ group: this.options.groupId, error: (e as Error)?.message }, 'lazy offset commit failed; the offsets stored with the data stand'),
    );
  }

  private async commitPending(consumer: Consumer): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const offsets = [...this.pending.entries()];
    this.pending.clear();
    this.lastCommit = Date.now();
    if (offsets.length === 0) return;
    const joins = this.joins;
    try {
      await consumer.commitOffsets(offsets.map(([, o]) => o));
    } catch (e) {
      // Committed next time, unless a rebalance came between (the partitions may be another member's) or a newer offset did.
      if (this.joins === joins) for (const [key, o] of offsets) if (!this.pending.has(key)) this.pending.set(key, o);
      throw e;
    }
  }
}
