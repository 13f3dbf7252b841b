import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { murmur2, Murmur2Partitioner } from './murmur2-partitioner';
// kafkajs's own (Long-based) implementation, the reference our fast one must match bit for bit.
const kafkajsMurmur2 = createRequire(__filename)('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

describe('murmur2', () => {
  it('should hash exactly as kafkajs (and so the Java client) does, for every tail length', () => {
    const keys = [
      Buffer.alloc(0),
      Buffer.from('a'),
      Buffer.from('ab'),
      Buffer.from('abc'),
      Buffer.from('abcd'),
      Buffer.from('bench:member-42'),
      Buffer.from('Åsa Öberg ünïcode', 'utf8'),
    ];
    for (let i = 0; i < 2_000; i++) keys.push(randomBytes(i % 67), Buffer.from(randomUUID()));
    const mismatches = keys.filter((k) => murmur2(k) !== kafkajsMurmur2(k)).map((k) => k.toString('hex'));
    expect(mismatches).toEqual([]);
  });

  it('should put a keyed record on the partition the Java client picks', () => {
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
      partitionErrorCode: 0,
      offlineReplicas: [],
    }));
    const partition = Murmur2Partitioner()({
      topic: 't',
      partitionMetadata,
      message: { key: 'b9d7d6a6-0b6e-4c39-a7a0-1f2b4e5c6d7e', value: null },
    });
    expect(partition).toBe((kafkajsMurmur2(Buffer.from('b9d7d6a6-0b6e-4c39-a7a0-1f2b4e5c6d7e')) & 0x7fffffff) % 6);
  });
});
