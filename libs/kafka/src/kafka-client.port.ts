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
  disconnect(): Promise<void>;
}

export interface KafkaClientPort {
  /** A connected admin client; the caller disconnects it. */
  admin(): Promise<KafkaAdminPort>;
}
