import type { KafkaClientPort } from './kafka-client.port';

/** Readiness of the Kafka cluster: a metadata round trip through a fresh admin connection. */
export async function checkKafka(client: KafkaClientPort): Promise<Record<string, unknown>> {
  const admin = await client.admin();
  try {
    const cluster = await admin.describeCluster();
    return { clusterId: cluster.clusterId, brokers: cluster.brokers.length };
  } finally {
    await admin.disconnect();
  }
}
