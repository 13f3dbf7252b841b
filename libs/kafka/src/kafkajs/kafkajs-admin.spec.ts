import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Admin, type ITopicMetadata } from 'kafkajs';
import { KafkajsAdmin } from './kafkajs-client.adapter';

/** kafkajs's error for a topic the broker does not know (yet): what a broker loading a large data directory answers. */
const unknownTopic = () =>
  new KafkaJSProtocolError(Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true }));

const withLeaders = (name: string, leaders: number[]): ITopicMetadata => ({
  name,
  partitions: leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [1], isr: [1] })),
});

/** A kafkajs admin whose topic metadata answers come, one per call, from `answers` (the last one repeats). */
function fakeAdmin(existing: string[], answers: (() => ITopicMetadata[])[]) {
  const created: string[][] = [];
  const calls = { metadata: 0, waitForLeaders: [] as (boolean | undefined)[] };
  const admin = {
    listTopics: async () => existing,
    createTopics: async ({ topics, waitForLeaders }: { topics: { topic: string }[]; waitForLeaders?: boolean }) => {
      created.push(topics.map((t) => t.topic));
      calls.waitForLeaders.push(waitForLeaders);
      return true;
    },
    fetchTopicMetadata: async () => {
      const answer = answers[Math.min(calls.metadata, answers.length - 1)];
      calls.metadata++;
      return { topics: answer() };
    },
  };
  return { admin: admin as unknown as Admin, created, calls };
}

const noWait = { sleep: async () => undefined };

describe('KafkajsAdmin.createTopics on a broker that does not know a topic it has just created', () => {
  it('should wait out "does not host this topic-partition" and leaderless partitions, then return the created topics', async () => {
    const { admin, created, calls } = fakeAdmin(
      ['kept'],
      [
        () => {
          throw unknownTopic();
        },
        () => {
          throw new KafkaJSNumberOfRetriesExceeded(unknownTopic(), { retryCount: 2, retryTime: 400 });
        },
        () => [withLeaders('a', [1, -1]), withLeaders('b', [1])],
        () => [withLeaders('a', [1, 1]), withLeaders('b', [1])],
      ],
    );

    await expect(new KafkajsAdmin(admin, noWait).createTopics([{ topic: 'kept' }, { topic: 'a', numPartitions: 2 }, { topic: 'b', numPartitions: 1 }])).resolves.toEqual(['a', 'b']);
    expect(created).toEqual([['a', 'b']]);
    expect(calls.waitForLeaders).toEqual([false]); // kafkajs's own wait would have failed on the first answer
    expect(calls.metadata).toBe(4);
  });

  it('should neither create nor wait for topics that exist', async () => {
    const { admin, created, calls } = fakeAdmin(['a'], [() => []]);
    await expect(new KafkajsAdmin(admin, noWait).createTopics([{ topic: 'a' }])).resolves.toEqual([]);
    expect(created).toEqual([]);
    expect(calls.metadata).toBe(0);
  });

  it('should pass any other error on at once', async () => {
    const denied = new KafkaJSProtocolError(Object.assign(new Error('Not authorized to access topics'), { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false }));
    const { admin, calls } = fakeAdmin([], [
      () => {
        throw denied;
      },
    ]);
    await expect(new KafkajsAdmin(admin, noWait).createTopics([{ topic: 'a' }])).rejects.toBe(denied);
    expect(calls.metadata).toBe(1);
  });

  it('should give up with the topics and the last answer when the leaders do not come in time', async () => {
    const { admin } = fakeAdmin([], [
      () => {
        throw unknownTopic();
      },
    ]);
    await expect(new KafkajsAdmin(admin, { ...noWait, timeoutMs: 0 }).createTopics([{ topic: 'a' }, { topic: 'b' }])).rejects.toThrow(
      'Kafka created the topics a, b but did not report a leader for each of their partitions within 0 ms: UNKNOWN_TOPIC_OR_PARTITION (This server does not host this topic-partition)',
    );
  });
});
