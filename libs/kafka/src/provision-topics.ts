import type { KafkaClientPort, TopicSpec } from './kafka-client.port';

/** Creates the topics that are missing (with their configs); returns the names it created. */
export async function provisionTopics(client: KafkaClientPort, topics: readonly TopicSpec[]): Promise<string[]> {
  const admin = await client.admin();
  try {
    return await admin.createTopics(topics);
  } finally {
    await admin.disconnect();
  }
}
