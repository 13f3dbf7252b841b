import { groupMessagesPerPartition, installLinearPartitionGrouping } from './partition-grouping';

const metadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 0 }));
const messages = Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, to: (i * 7919) % 6 }));
const partitioner = ({ message }: { message: (typeof messages)[number] }) => message.to;

describe('groupMessagesPerPartition', () => {
  it('groups the messages by the partitioner, each partition in the order given', () => {
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: metadata, messages, partitioner });
    expect(Object.keys(grouped)).toEqual(['0', '1', '2', '3', '4', '5']);
    for (let p = 0; p < 6; p++) expect(grouped[p]).toEqual(messages.filter((m) => m.to === p));
  });

  it('passes the topic, the metadata and each message to the partitioner, once per message', () => {
    const seen: unknown[] = [];
    groupMessagesPerPartition({ topic: 'persons', partitionMetadata: metadata, messages: messages.slice(0, 3), partitioner: (a) => (seen.push(a), 0) });
    expect(seen).toEqual(messages.slice(0, 3).map((message) => ({ topic: 'persons', partitionMetadata: metadata, message })));
  });

  it('groups nothing while the topic has no partition metadata, as kafkajs does', () => {
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner })).toEqual({});
  });

  it("is kafkajs's grouping once our Kafka client is loaded, and kafkajs's own when kafkajs came first", () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./kafkajs-client.adapter');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(require('kafkajs/src/producer/groupMessagesPerPartition')).toBe(require('./partition-grouping').groupMessagesPerPartition);
    });
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('kafkajs');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const late = require('./partition-grouping') as { installLinearPartitionGrouping: typeof installLinearPartitionGrouping };
      expect(late.installLinearPartitionGrouping()).toBe(false);
    });
  });
});
