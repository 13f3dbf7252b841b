import { ConfigResourceTypes, Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import type { ClusterDescription, KafkaAdminPort, KafkaClientPort, TopicSpec } from '../kafka-client.port';
import { kafkajsLogCreator, type KafkaLogSink } from './kafkajs-log';

export interface KafkajsClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger?: KafkaLogSink;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/** The kafkajs adapter: the only place in the code base that constructs a kafkajs client. */
export class KafkajsClient implements KafkaClientPort {
  readonly kafka: Kafka;

  constructor(options: KafkajsClientOptions) {
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      logLevel: logLevel.WARN,
      ...(options.logger ? { logCreator: kafkajsLogCreator(options.logger) } : {}),
    };
    this.kafka = new Kafka(config);
  }

  async admin(): Promise<KafkaAdminPort> {
    const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
    await admin.connect();
    return new KafkajsAdmin(admin);
  }
}

class KafkajsAdmin implements KafkaAdminPort {
  constructor(private readonly admin: Admin) {}

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
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions ?? 6,
        replicationFactor: t.replicationFactor ?? -1,
        configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((t) => t.topic);
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

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }
}
