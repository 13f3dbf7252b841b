import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type ReadPacket } from '@nestjs/microservices';
import { contractType, projectedType, TopicNames, topicDefinitions } from '@stafett/contracts';
import type avro from 'avsc';
import {
  BACKGROUND_BATCHING,
  errorCode,
  isTransient,
  PermanentError,
  provisionTopics,
  RetryingStart,
  TransientError,
  type AvroSerde,
  type BatchContext,
  type ConsumedMessage,
  type ConsumerOptions,
  type KafkaClientPort,
  type KafkaConsumerPort,
} from '@stafett/kafka';
import { Counter, type Registry } from 'prom-client';
import { finalize, isObservable, lastValueFrom } from 'rxjs';
import { StafettKafkaContext } from './stafett-kafka.context';
import { resolveSinkTopic, type SinkTopic } from './sink-topics';

/** The transport's id: `@EventPattern(topic, STAFETT_KAFKA_TRANSPORT)` binds a handler to it alone in a hybrid app with several transports. */
export const STAFETT_KAFKA_TRANSPORT = Symbol('STAFETT_KAFKA_TRANSPORT');

export type StafettKafkaStatus = 'connecting' | 'connected' | 'disconnected';

export interface StafettKafkaTransportOptions {
  /**
   * The connector instance (its agreement's `connectorId`). It names the consumer group
   * (`stafett-connector-<connectorId>`, one per instance, so pausing or resetting one never moves
   * another), and change events whose `source.connectorId` is this id are not delivered: a sync
   * connector never re-exports what it imported itself (DESIGN §3).
   */
  readonly connectorId: string;
  /** Our Kafka port (`KAFKA_CLIENT` of `KafkaModule`, or a `KafkajsClient` of your own; you close it). */
  readonly kafka: KafkaClientPort;
  /** The registry serde (`AvroSerde` of `KafkaModule`). */
  readonly serde: AvroSerde;
  /** Put before every topic a handler names (and before the DLQ and the group); tests use a unique one. Default none. */
  readonly topicPrefix?: string;
  /** Default `<prefix>stafett-connector-<connectorId>`. */
  readonly groupId?: string;
  /** Deliver the connector's own changes too; default false (they are acknowledged without calling the handler). */
  readonly deliverOwnChanges?: boolean;
  /** A new group starts at the beginning of the log (as Kafka Connect sinks do); default true. */
  readonly fromBeginning?: boolean;
  /** Messages given to the handlers per slice before their offsets are committed; default 100. */
  readonly maxBatchSize?: number;
  /** Fetch batching (fewer, larger slices at up to 250 ms more latency): default BACKGROUND_BATCHING; false answers every fetch at once. */
  readonly batching?: ConsumerOptions['batching'] | false;
  /** Partitions served at once (each in offset order); default 1. */
  readonly partitionsConcurrently?: number;
  /** Backoff between retries of a failing message; default 200 ms doubling up to 10 s. */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * How often a handler error that is neither a `RetryableSinkError` nor a `PermanentSinkError` (nor
   * a network error) is tried before the message goes to the DLQ; default 5. A connector whose
   * external system is away should say so with `RetryableSinkError`, which is retried until it succeeds.
   */
  readonly maxAttemptsOfUnmarkedErrors?: number;
  /** Create the followed topics and the DLQ if missing (prefixed test topics); default true. */
  readonly provisionTopics?: boolean;
  /** Where `stafett_connector_sink_messages_total` is registered (e.g. the app's Prometheus registry); default none. */
  readonly registry?: Registry;
}

export type SinkOutcome = 'delivered' | 'echo_suppressed' | 'retried' | 'dead_lettered';

/**
 * What a batch handler (`@EventPattern(topic, { batch: true })`) gets as `@Payload()`: a slice of one
 * partition in offset order, each decoded value (null: a state tombstone) with its context. A batch
 * handler writes the slice at once (one transaction), the way to keep a projection cheap per record.
 */
export interface SinkBatchItem<T = unknown> {
  readonly value: T;
  readonly context: StafettKafkaContext;
}
export type SinkBatch<T = unknown> = readonly SinkBatchItem<T>[];

const SKIP = Symbol('skip');

/**
 * A NestJS custom transport strategy that serves `@EventPattern('<entity events or state topic>')`
 * handlers from Stafett's own Kafka port: Avro values decoded through the registry, batches per
 * partition in offset order, offsets committed only after the handlers finished, retryable errors
 * retried with backoff (nothing committed past them), permanent ones (undecodable values, a
 * handler's `PermanentSinkError`) to `stafett.dlq.v1` with provenance headers. Not Nest's JSON
 * Kafka transport: the payload a handler gets is the decoded contract value (`PersonChanged`, …).
 */
export class StafettKafkaTransport extends Server<Record<string, never>, StafettKafkaStatus> implements CustomTransportStrategy {
  override transportId = STAFETT_KAFKA_TRANSPORT;
  /** Handler failures reach the transport (which retries or dead-letters), so Nest need not report them. */
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(StafettKafkaTransport.name);

  private readonly names: TopicNames;
  private start: RetryingStart | undefined;
  private consumer: KafkaConsumerPort | undefined;
  private topics = new Map<string, SinkTopic>();
  /** Topics whose handler takes a slice at once (`@EventPattern(topic, { batch: true })`). */
  private batchTopics = new Set<string>();
  /** Reader types of topics whose handler reads only some fields (`@EventPattern(topic, { fields: [...] })`). */
  private readers = new Map<string, avro.Type>();
  /** Last offset handled per partition, so a retried slice does not hand its earlier messages over again. */
  private readonly handled = new Map<string, bigint>();
  /** Attempts of messages whose handler failed with an unmarked error. */
  private readonly attempts = new Map<string, number>();
  private readonly counter: Counter<'connector' | 'topic' | 'outcome'> | undefined;
  private readonly totals: Record<SinkOutcome, number> = { delivered: 0, echo_suppressed: 0, retried: 0, dead_lettered: 0 };
  private closed = false;

  constructor(private readonly options: StafettKafkaTransportOptions) {
    super();
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(options.connectorId)) {
      throw new Error('connectorId must be 1-200 characters of letters, digits, ".", "_" or "-" (it names the consumer group)');
    }
    this.names = new TopicNames(options.topicPrefix ?? '');
    this.counter = options.registry ? sinkCounter(options.registry) : undefined;
  }

  get groupId(): string {
    return this.options.groupId ?? `${this.names.prefix}stafett-connector-${this.options.connectorId}`;
  }

  /** How many messages ended how, since this transport was created. */
  get counts(): Readonly<Record<SinkOutcome, number>> {
    return { ...this.totals };
  }

  /** Resolves the handlers' patterns, subscribes and calls back once the consumer joined its group (retrying while Kafka is away). */
  listen(callback: (error?: unknown) => void): void {
    try {
      this.topics = this.resolveTopics();
    } catch (error) {
      callback(error);
      return;
    }
    this.closed = false;
    this._status$.next('connecting');
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    this.start = new RetryingStart(`sink transport of connector ${this.options.connectorId}`, { warn: (o, m) => this.logger.warn({ ...o, msg: m }) }, this.options.kafka.closing);
    this.start.begin(
      async () => {
        await this.run();
        started();
      },
      () => this.halt(),
    );
    void running.then(() => {
      if (this.closed) return;
      this._status$.next('connected');
      callback();
    });
  }

  /** Ends retries of a start, lets the slice in hand finish (or abandons its retries, uncommitted) and leaves the group. */
  async close(): Promise<void> {
    this.closed = true;
    await this.start?.stop();
    await this.halt();
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('StafettKafkaTransport has no events to listen to; watch `status` instead');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('Not started: call listen (app.startAllMicroservices) first');
    return this.consumer as T;
  }

  /** Calls the handler(s) of `pattern` and waits for them, errors included (the base class fires and forgets an event stream). */
  override async handleEvent(pattern: string, packet: ReadPacket, context: StafettKafkaContext): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new PermanentError('NO_HANDLER', `no handler for ${pattern}`);
    let work: Promise<void> | undefined;
    // Nest types the hooks' result as void; the default start hook returns the handler's promise, a custom one may not.
    const started: unknown = this.runWithProcessingHooks(context, (runEndHook) => {
      work = (async () => {
        const resultOrStream: unknown = await handler(packet.data, context);
        if (isObservable(resultOrStream)) await lastValueFrom(resultOrStream.pipe(finalize(runEndHook)), { defaultValue: undefined });
        else runEndHook();
      })();
      return work;
    });
    if (started instanceof Promise) await started;
    else await work;
  }

  private resolveTopics(): Map<string, SinkTopic> {
    const topics = new Map<string, SinkTopic>();
    this.batchTopics = new Set();
    this.readers = new Map();
    for (const [pattern, handler] of this.getHandlers()) {
      if (!handler.isEventHandler) {
        throw new Error(`@MessagePattern(${JSON.stringify(pattern).slice(0, 120)}) cannot be served: a sink transport delivers events only; use @EventPattern`);
      }
      const topic = resolveSinkTopic(pattern, this.names.prefix);
      topics.set(topic.topic, topic);
      const extras = handler.extras as { batch?: unknown; fields?: unknown } | undefined;
      if (extras?.batch === true) this.batchTopics.add(topic.topic);
      // A handler that reads a few fields of a state gets only those decoded (the others are skipped, not built).
      if (Array.isArray(extras?.fields)) this.readers.set(topic.topic, projectedType(topic.contract, extras.fields as string[]));
    }
    if (topics.size === 0) throw new Error('no @EventPattern handlers: a sink transport needs at least one (in a controller of the app)');
    return topics;
  }

  private async run(): Promise<void> {
    const o = this.options;
    if (o.provisionTopics ?? true) {
      const wanted = new Set([...this.topics.keys(), this.names.dlq]);
      await provisionTopics(
        o.kafka,
        topicDefinitions({ prefix: this.names.prefix }).filter((t) => wanted.has(t.topic)),
      );
    }
    this.handled.clear();
    this.attempts.clear();
    this.consumer = o.kafka.consumer({
      groupId: this.groupId,
      topics: [...this.topics.keys()],
      dlqTopic: this.names.dlq,
      fromBeginning: o.fromBeginning ?? true,
      maxBatchSize: o.maxBatchSize ?? 100,
      partitionsConcurrently: o.partitionsConcurrently ?? 1,
      retry: o.retry,
      batching: o.batching === false ? undefined : (o.batching ?? BACKGROUND_BATCHING),
      handler: (messages, context) => this.handle(messages, context),
    });
    await this.consumer.start();
    this.logger.log({ connectorId: o.connectorId, group: this.groupId, topics: [...this.topics.keys()] }, 'sink transport started');
  }

  private async halt(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop().catch((e: unknown) => this.logger.warn({ error: errorCode(e) }, 'sink consumer did not stop cleanly'));
  }

  /** One slice of one partition, in offset order. Throws a transient error to have the slice retried (nothing committed). */
  private async handle(messages: readonly ConsumedMessage[], context: BatchContext): Promise<void> {
    if (this.batchTopics.has(messages[0].topic)) return this.deliverSlice(messages, context);
    for (const message of messages) {
      const partition = `${message.topic}:${message.partition}`;
      const done = this.handled.get(partition);
      if (done !== undefined && BigInt(message.offset) <= done) continue;
      await this.deliver(message, context);
      this.handled.set(partition, BigInt(message.offset));
      await context.heartbeat();
    }
  }

  /**
   * A batch handler's slice: decoded (undecodable values to the DLQ, own changes left out) and handed
   * over in one call, so the handler can write it in one transaction. A retryable failure retries
   * the slice; a permanent one (or an unmarked one, `maxAttemptsOfUnmarkedErrors` times) hands the
   * messages over one at a time, so only the failing one goes to the DLQ.
   */
  private async deliverSlice(messages: readonly ConsumedMessage[], context: BatchContext): Promise<void> {
    const topic = this.topics.get(messages[0].topic);
    if (!topic) throw new PermanentError('UNEXPECTED_TOPIC', `the sink transport got a message of ${messages[0].topic}, which no handler follows`);
    const partition = `${messages[0].topic}:${messages[0].partition}`;
    const done = this.handled.get(partition);
    const items: SinkBatchItem[] = [];
    for (const message of messages) {
      if (done !== undefined && BigInt(message.offset) <= done) continue;
      const value = await this.decodeFor(message, topic, context);
      if (value === SKIP) continue;
      items.push({ value, context: new StafettKafkaContext(message, topic) });
    }
    const last = BigInt(messages[messages.length - 1].offset);
    if (items.length === 0) {
      if (done === undefined || last > done) this.handled.set(partition, last);
      return;
    }
    const id = `${partition}:${items[0].context.getOffset()}:batch`;
    try {
      await this.handleEvent(topic.pattern, { pattern: topic.pattern, data: items }, items[items.length - 1].context);
      this.attempts.delete(id);
      for (let i = 0; i < items.length; i++) this.count(topic, 'delivered');
      this.handled.set(partition, last);
      return;
    } catch (error) {
      const marked = markedRetriable(error);
      if (marked === true || (marked === undefined && isTransient(error))) {
        this.count(topic, 'retried');
        throw new TransientError(errorCode(error), `the batch handler of ${topic.pattern} failed at partition ${messages[0].partition}; retrying the slice`, { cause: error });
      }
      if (marked === undefined) {
        const attempts = (this.attempts.get(id) ?? 0) + 1;
        if (attempts < (this.options.maxAttemptsOfUnmarkedErrors ?? 5)) {
          this.attempts.set(id, attempts);
          this.count(topic, 'retried');
          throw new TransientError('SINK_HANDLER_FAILED', `the batch handler of ${topic.pattern} failed at partition ${messages[0].partition} (attempt ${attempts})`);
        }
      }
      this.attempts.delete(id);
    }
    // One at a time: the failing message alone goes to the DLQ.
    for (const item of items) {
      const offset = BigInt(item.context.getOffset());
      try {
        await this.handleEvent(topic.pattern, { pattern: topic.pattern, data: [item] }, item.context);
        this.count(topic, 'delivered');
      } catch (error) {
        const marked = markedRetriable(error);
        if (marked === true || (marked === undefined && isTransient(error))) {
          this.count(topic, 'retried');
          throw new TransientError(errorCode(error), `the batch handler of ${topic.pattern} failed at partition ${item.context.getPartition()}, offset ${item.context.getOffset()}; retrying`, {
            cause: error,
          });
        }
        await this.deadLetter(item.context.getMessage(), topic, error, context);
      }
      this.handled.set(partition, offset);
      await context.heartbeat();
    }
    this.handled.set(partition, last);
  }

  /** The decoded value of a message (null: a state tombstone), or SKIP when it went to the DLQ or is the connector's own change. */
  private async decodeFor(message: ConsumedMessage, topic: SinkTopic, context: BatchContext): Promise<unknown> {
    let value: unknown;
    if (message.value === null) {
      if (topic.kind === 'events') {
        await this.deadLetter(message, topic, new PermanentError('NULL_VALUE', `a change event was expected on ${topic.pattern}, got a tombstone`), context);
        return SKIP;
      }
      return null;
    }
    try {
      value = await this.options.serde.decode(message.value, this.readers.get(topic.topic) ?? contractType(topic.contract));
    } catch (error) {
      if (isTransient(error)) throw error; // the registry is away: retry the slice
      await this.deadLetter(message, topic, error, context);
      return SKIP;
    }
    if (topic.kind === 'events' && !this.options.deliverOwnChanges && sourceConnectorId(value) === this.options.connectorId) {
      this.count(topic, 'echo_suppressed');
      return SKIP;
    }
    return value;
  }

  private async deliver(message: ConsumedMessage, context: BatchContext): Promise<void> {
    const topic = this.topics.get(message.topic);
    if (!topic) throw new PermanentError('UNEXPECTED_TOPIC', `the sink transport got a message of ${message.topic}, which no handler follows`);
    let value: unknown;
    if (message.value === null) {
      if (topic.kind === 'events')
        return this.deadLetter(message, topic, new PermanentError('NULL_VALUE', `a change event was expected on ${topic.pattern}, got a tombstone`), context);
      value = null;
    } else {
      try {
        value = await this.options.serde.decode(message.value, this.readers.get(topic.topic) ?? contractType(topic.contract));
      } catch (error) {
        if (isTransient(error)) throw error; // the registry is away: retry the slice
        return this.deadLetter(message, topic, error, context);
      }
    }
    if (topic.kind === 'events' && !this.options.deliverOwnChanges && sourceConnectorId(value) === this.options.connectorId) {
      this.count(topic, 'echo_suppressed');
      this.logger.debug?.(
        { connectorId: this.options.connectorId, topic: message.topic, partition: message.partition, offset: message.offset },
        'own change not delivered (echo suppressed)',
      );
      return;
    }
    const id = `${message.topic}:${message.partition}:${message.offset}`;
    try {
      await this.handleEvent(topic.pattern, { pattern: topic.pattern, data: value }, new StafettKafkaContext(message, topic));
      this.attempts.delete(id);
      this.count(topic, 'delivered');
    } catch (error) {
      const marked = markedRetriable(error);
      if (marked === true || (marked === undefined && isTransient(error))) {
        this.count(topic, 'retried');
        throw new TransientError(errorCode(error), `the handler of ${topic.pattern} failed at partition ${message.partition}, offset ${message.offset}; retrying`, {
          cause: error,
        });
      }
      if (marked === false) {
        this.attempts.delete(id);
        return this.deadLetter(message, topic, error, context);
      }
      const attempts = (this.attempts.get(id) ?? 0) + 1;
      const max = this.options.maxAttemptsOfUnmarkedErrors ?? 5;
      if (attempts < max) {
        this.attempts.set(id, attempts);
        this.count(topic, 'retried');
        throw new TransientError(
          'SINK_HANDLER_FAILED',
          `the handler of ${topic.pattern} failed at partition ${message.partition}, offset ${message.offset} (attempt ${attempts} of ${max})`,
        );
      }
      this.attempts.delete(id);
      const failure = new PermanentError(
        'SINK_HANDLER_FAILED',
        `the handler of ${topic.pattern} failed ${attempts} times with an error that is neither a RetryableSinkError nor a PermanentSinkError (see the service log)`,
      );
      return this.deadLetter(message, topic, failure, context);
    }
  }

  private async deadLetter(message: ConsumedMessage, topic: SinkTopic, error: unknown, context: BatchContext): Promise<void> {
    await context.deadLetter([{ message, error }]);
    this.count(topic, 'dead_lettered');
    this.logger.warn(
      { connectorId: this.options.connectorId, topic: message.topic, partition: message.partition, offset: message.offset, code: errorCode(error) },
      'message sent to the DLQ',
    );
  }

  private count(topic: SinkTopic, outcome: SinkOutcome): void {
    this.totals[outcome]++;
    this.counter?.inc({ connector: this.options.connectorId, topic: topic.pattern, outcome });
  }
}

const SINK_METRIC = 'stafett_connector_sink_messages_total';

/** The sink counter of a registry, registered once however many transports (connector instances) share it. */
function sinkCounter(registry: Registry): Counter<'connector' | 'topic' | 'outcome'> {
  const existing = registry.getSingleMetric(SINK_METRIC);
  if (existing) return existing as Counter<'connector' | 'topic' | 'outcome'>;
  return new Counter({
    name: SINK_METRIC,
    help: 'Messages the sink transport handled, by outcome (delivered, echo_suppressed, retried, dead_lettered)',
    labelNames: ['connector', 'topic', 'outcome'],
    registers: [registry],
  });
}

/** `true`/`false` when the error says whether retrying helps (our sink errors, kafkajs errors), else undefined. */
function markedRetriable(error: unknown): boolean | undefined {
  const retriable = (error as { retriable?: unknown } | null)?.retriable;
  return typeof retriable === 'boolean' ? retriable : undefined;
}

function sourceConnectorId(value: unknown): string | null | undefined {
  return (value as { source?: { connectorId?: string | null } } | null)?.source?.connectorId;
}
