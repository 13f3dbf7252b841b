// Before kafkajs loads: its producer binds the grouping function when its module loads.
import './partition-grouping';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { setMaxListeners } from 'node:events';
import type { ConnectionOptions } from 'node:tls';
import type {
  ClusterDescription,
  ConsumerOptions,
  KafkaAdminPort,
  KafkaClientPort,
  KafkaConsumerPort,
  KafkaProducerPort,
  TopicSpec,
} from '../kafka-client.port';
import { KafkajsConsumer } from './kafkajs-consumer';
import { KafkajsProducer } from './kafkajs-producer';
import { kafkajsLogCreator, STDERR_KAFKA_LOG, type KafkaLogSink } from './kafkajs-log';
import { installCompressionCodecs } from './compression-codecs';
import { installFastFetchDecoder } from './fetch-response-decoder';
import { installFastProduceEncoder } from './produce-request-encoder';
import { installLinearPartitionGrouping } from './partition-grouping';
import { installRequestQueueFix } from './request-queue-fix';
import { topicNotYetKnown } from './topic-not-yet-known';

export interface KafkajsClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger?: KafkaLogSink;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** TLS to the brokers: true = the system's CAs, or tls options (e.g. `{ ca: [pem] }`); default plain text. */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL/SCRAM credentials; default none. */
  readonly sasl?: { readonly mechanism: 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
}

function scram({ mechanism, username, password }: NonNullable<KafkajsClientOptions['sasl']>): SASLOptions {
  return mechanism === 'scram-sha-256' ? { mechanism, username, password } : { mechanism, username, password };
}

/** The kafkajs adapter: the only place in the code base that constructs a kafkajs client. */
export class KafkajsClient implements KafkaClientPort {
  readonly kafka: Kafka;
  private dlqProducer: Promise<KafkaProducerPort> | undefined;
  private readonly closer = new AbortController();

  constructor(private readonly options: KafkajsClientOptions) {
    // kafkajs looks its Produce and Fetch APIs up at every request: wrapping them once per process covers every client.
    if (!installFastProduceEncoder()) (options.logger ?? STDERR_KAFKA_LOG).warn({}, "kafkajs's Produce request could not be replaced: its own (slower) encoder is used");
    installCompressionCodecs();
    if (!installRequestQueueFix()) (options.logger ?? STDERR_KAFKA_LOG).warn({}, "kafkajs's request queue could not be patched: each connection keeps a 1 ms timer running");
    if (!installLinearPartitionGrouping()) (options.logger ?? STDERR_KAFKA_LOG).warn({}, "kafkajs's partition grouping could not be replaced (kafkajs was loaded first, or its internals changed): its own (quadratic) grouping is used");
    if (!installFastFetchDecoder()) (options.logger ?? STDERR_KAFKA_LOG).warn({}, "kafkajs's Fetch response could not be replaced: its own (slower) decoder is used");
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      logLevel: logLevel.WARN,
      ...(options.ssl ? { ssl: options.ssl } : {}),
      ...(options.sasl ? { sasl: scram(options.sasl) } : {}),
      logCreator: kafkajsLogCreator(options.logger ?? STDERR_KAFKA_LOG),
    };
    this.kafka = new Kafka(config);
    // Every RetryingStart of the app listens (~18 in the all-in-one): not a leak.
    setMaxListeners(0, this.closer.signal);
  }

  get closing(): AbortSignal {
    return this.closer.signal;
  }

  /** The app begins to shut down: starts still retrying against this client give up (`closing`). */
  beginClose(): void {
    this.closer.abort();
  }

  async admin(): Promise<KafkaAdminPort> {
    const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
    await admin.connect();
    return new KafkajsAdmin(admin);
  }

  async producer(): Promise<KafkaProducerPort> {
    const producer = new KafkajsProducer(this.kafka);
    await producer.connect();
    return producer;
  }

  consumer(options: ConsumerOptions): KafkaConsumerPort {
    return new KafkajsConsumer(this.kafka, options, () => this.sharedDlqProducer(), this.options.logger);
  }

  /** Disconnects what the client itself holds (the shared DLQ producer). */
  async close(): Promise<void> {
    this.beginClose();
    const dlq = this.dlqProducer;
    this.dlqProducer = undefined;
    if (dlq) await (await dlq.catch(() => undefined))?.disconnect();
  }

  private sharedDlqProducer(): Promise<KafkaProducerPort> {
    if (!this.dlqProducer) {
      this.dlqProducer = this.producer();
      this.dlqProducer.catch(() => (this.dlqProducer = undefined));
    }
    return this.dlqProducer;
  }
}

export interface LeaderWait {
  /** How long topics just created may take to get a leader for every partition; default 30 s. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits until the broker reports a leader for every partition of `topics`. kafkajs's own wait
 * (`waitForLeaders`) retries only LEADER_NOT_AVAILABLE: a broker still loading a large data
 * directory answers UNKNOWN_TOPIC_OR_PARTITION ("does not host this topic-partition") for a topic
 * it has just created, and the creation then failed although it had worked.
 */
async function waitForTopicLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  { timeoutMs = 30_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }: LeaderWait = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    let waitingFor: string;
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const leaderless = topics.filter((name) => {
        const partitions = described.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length === 0 || partitions.some((p) => p.leader < 0);
      });
      if (leaderless.length === 0) return;
      waitingFor = `no leader yet for ${leaderless.join(', ')}`;
    } catch (e) {
      const type = topicNotYetKnown(e);
      if (!type) throw e;
      waitingFor = `${type} (${(e as Error).message})`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Kafka created the topics ${topics.join(', ')} but did not report a leader for each of their partitions within ${timeoutMs} ms: ${waitingFor}`);
    }
    await sleep(Math.min(1_000, 50 * attempt));
  }
}

export class KafkajsAdmin implements KafkaAdminPort {
  constructor(
    private readonly admin: Admin,
    private readonly leaderWait: LeaderWait = {},
  ) {}

  async describeCluster(): Promise<ClusterDescription> {
    const c = await this.admin.describeCluster();
    return { clusterId: c.clusterId, controller: c.controller, brokers: c.brokers };
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<string[]> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return [];
    await this.admin.createTopics({
      waitForLeaders: false, // waited for below, including a broker that does not know the topics yet
      topics: missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions ?? 6,
        replicationFactor: t.replicationFactor ?? -1,
        configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    const created = missing.map((t) => t.topic);
    await waitForTopicLeaders(this.admin, created, this.leaderWait);
    return created;
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length > 0) await this.admin.deleteTopics({ topics: [...topics] });
  }

  async describeTopicConfigs(topic: string, names: readonly string[]): Promise<Record<string, string>> {
    const res = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [...names] }],
    });
    const out: Record<string, string> = {};
    for (const entry of res.resources[0]?.configEntries ?? []) out[entry.configName] = entry.configValue;
    return out;
  }

  async groupLag(groupId: string, topics: readonly string[], stored?: ReadonlyMap<string, bigint>): Promise<{ topic: string; partition: number; lag: number }[]> {
    const committed = await this.admin.fetchOffsets({ groupId, topics: [...topics] });
    const out: { topic: string; partition: number; lag: number }[] = [];
    for (const { topic, partitions } of committed) {
      const ends = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
      for (const p of partitions) {
        const end = ends.get(p.partition) ?? 0n;
        const committed = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
        const kept = stored?.get(`${topic}\u0000${p.partition}`) ?? 0n;
        const at = kept > committed ? kept : committed;
        out.push({ topic, partition: p.partition, lag: Number(end - at) });
      }
    }
    return out;
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }
}
