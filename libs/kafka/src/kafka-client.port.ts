/**
 * Our own port over the Kafka client. Everything in Stafett talks to Kafka through these
 * interfaces; `kafkajs/` holds the only adapter (kafkajs is barely maintained, so another
 * client can replace it without touching callers).
 */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface ClusterDescription {
  readonly clusterId: string;
  readonly controller: number | null;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
}

export interface KafkaAdminPort {
  describeCluster(): Promise<ClusterDescription>;
  listTopics(): Promise<string[]>;
  /** Creates the topics that do not exist yet; returns the names it created. */
  createTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  describeTopicConfigs(topic: string, names: readonly string[]): Promise<Record<string, string>>;
  /**
   * Committed offsets of a group, and the end offsets of its topics: the lag per partition. A
   * consumer that stores its offsets with its data passes them (`<topic>\u0000<partition>` → next
   * offset): where one is ahead of Kafka's lazily committed offset, it counts.
   */
  groupLag(groupId: string, topics: readonly string[], stored?: ReadonlyMap<string, bigint>): Promise<{ topic: string; partition: number; lag: number }[]>;
  disconnect(): Promise<void>;
}

export type Headers = Readonly<Record<string, string | Buffer>>;

export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string | Buffer | null;
  /** null = tombstone */
  readonly value: Buffer | null;
  readonly headers?: Headers;
}

export interface KafkaProducerPort {
  /**
   * Sends the messages (any number, any topics) and resolves once the broker acknowledged all of
   * them (acks=all). One send is in flight at a time per producer; concurrent callers queue.
   * Rejects if any could not be sent: the caller must not treat them as delivered.
   */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | undefined>>;
  readonly timestamp: string;
}

export interface FailedMessage {
  readonly message: ConsumedMessage;
  readonly error: unknown;
}

export interface BatchContext {
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /**
   * Sends permanently failed messages to the DLQ now (resolves once acknowledged), for a handler
   * that must not commit past them before they are there. Failed messages returned from the
   * handler are dead-lettered after it.
   */
  deadLetter(failed: readonly FailedMessage[]): Promise<void>;
}

/**
 * Handles a batch of messages from one partition, in offset order. Resolve when all are done;
 * return the ones that failed permanently (they go to the DLQ). Throw a transient error to have
 * the batch retried with backoff; throw anything else to have it retried one message at a time.
 */
export type BatchHandler = (messages: readonly ConsumedMessage[], context: BatchContext) => Promise<{ failed?: readonly FailedMessage[] } | void>;

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: BatchHandler;
  /** Where permanently failing messages go (stafett.dlq.v1, prefixed in tests). */
  readonly dlqTopic: string;
  readonly fromBeginning?: boolean;
  /** Largest slice of a fetched batch given to the handler at once; default 500. */
  readonly maxBatchSize?: number;
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Partitions handled at once (each in order); default 1. */
  readonly partitionsConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  /**
   * The handler stores its partitions' offsets in its own transaction and recognises a redelivery
   * by them (ADR 0004): Kafka's committed offset is then only where a restart begins, so it is
   * committed at most every few seconds and when the consumer stops, not after every batch.
   */
  readonly offsetsStoredWithData?: boolean;
  /**
   * For consumers that follow in the background (projections, the change log, sinks): the broker
   * answers a fetch once this many bytes are there or `maxFetchWaitMs` passed, so a busy topic gives
   * fewer, larger batches (fewer transactions, fewer requests) at the price of up to that wait.
   * Default: answer as soon as anything is there.
   */
  readonly batching?: {
    readonly minFetchBytes: number;
    readonly maxFetchWaitMs: number;
    /** At most this many bytes per fetch (and half of it per partition), bounding what a consumer holds in memory. */
    readonly maxFetchBytes?: number;
  };
}

/**
 * What a background consumer trades: up to 250 ms for batches of 256 KiB to 1 MiB per fetch. The
 * ceiling keeps the all-in-one's memory bounded while its many background consumers catch up.
 */
export const BACKGROUND_BATCHING = { minFetchBytes: 256 * 1024, maxFetchWaitMs: 250, maxFetchBytes: 1024 * 1024 } as const;

export interface KafkaConsumerPort {
  /** Resolves once the consumer joined its group and runs. */
  start(): Promise<void>;
  /** Stops fetching, lets the current batch finish (or abandons its retries), commits, leaves the group. */
  stop(): Promise<void>;
}

export interface KafkaClientPort {
  /** A connected admin client; the caller disconnects it. */
  admin(): Promise<KafkaAdminPort>;
  /** A connected idempotent producer. */
  producer(): Promise<KafkaProducerPort>;
  consumer(options: ConsumerOptions): KafkaConsumerPort;
  /**
   * Aborts once the app begins to shut down (before any service stops): starts still retrying
   * against this client give up together (`RetryingStart`). Absent: never.
   */
  readonly closing?: AbortSignal;
}
