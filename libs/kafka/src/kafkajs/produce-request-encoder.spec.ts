/** The one-pass Produce encoder writes exactly the bytes kafkajs's own encoder writes. */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { crc32c, encodeProduceRequest, installFastProduceEncoder, type ProduceRequestInput } from './produce-request-encoder';

const kafkajs = createRequire(require.resolve('kafkajs'));
type Factory = (input: ProduceRequestInput) => { encode: () => Promise<{ buffer: Buffer }> };
// kafkajs's own v3 request, loaded before the fast one is installed in this process.
const original = kafkajs('./src/protocol/requests/produce/v3/request') as Factory;
const kafkajsCrc32c = kafkajs('./src/protocol/recordBatch/crc32C') as (b: Buffer) => number;
const Long = kafkajs('./src/utils/long') as { fromValue(v: unknown): { value: bigint } };

const kafkajsBytes = async (input: ProduceRequestInput) => (await original(input).encode()).buffer;

describe('encodeProduceRequest', () => {
  const base = { acks: -1, timeout: 30_000, producerId: Long.fromValue(4711), producerEpoch: 3 };

  it('should write what kafkajs writes for an idempotent batch of events, states, tombstones and results over several topics', async () => {
    const t = String(Date.UTC(2026, 10, 30, 12));
    const input: ProduceRequestInput = {
      ...base,
      topicData: [
        {
          topic: 'stafett.person.events.v1',
          partitions: [
            {
              partition: 0,
              firstSequence: 1_234,
              messages: [
                { key: 'b5e3a1f0-0000-4000-8000-000000000001', value: randomBytes(200), timestamp: t, headers: { 'stafett.entity.version': '7', 'content-type': Buffer.from('avro') } },
                { key: 'b5e3a1f0-0000-4000-8000-000000000002', value: randomBytes(70_000), timestamp: String(Number(t) + 5), headers: { multi: ['a', Buffer.from('b')] } },
              ],
            },
            { partition: 5, firstSequence: 0, messages: [{ key: Buffer.from('åäö-key'), value: 'a string value with ü', timestamp: t }] },
          ],
        },
        {
          topic: 'stafett.person.state.v1',
          partitions: [{ partition: 2, firstSequence: 2_147_483_000, messages: [{ key: 'tombstone', value: null, timestamp: t, headers: {} }, { key: null, value: randomBytes(1), timestamp: t }] }],
        },
      ],
    };
    expect(encodeProduceRequest(input).equals(await kafkajsBytes(input))).toBe(true);
  });

  it('should stamp messages without a timestamp with the time of encoding, as kafkajs does, and sort given ones as kafkajs does', async () => {
    const now = 1_796_000_000_123;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const input: ProduceRequestInput = {
        ...base,
        transactionalId: 'tx-1',
        topicData: [
          { topic: 'a', partitions: [{ partition: 1, firstSequence: 9, messages: [{ key: 'k', value: Buffer.from('v') }, { key: 'k2', value: Buffer.from('v2'), timestamp: String(now - 10_000_000_000) }] }] },
          { topic: 'b', partitions: [{ partition: 0, messages: [{ key: 'x', value: Buffer.from('y') }] }] },
        ],
      };
      expect(encodeProduceRequest(input, now).equals(await kafkajsBytes(input))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('should agree with kafkajs on many random batches (sizes across varint boundaries)', async () => {
    for (let round = 0; round < 50; round++) {
      const count = 1 + (round % 7) * 40;
      const messages = Array.from({ length: count }, (_, i) => ({
        key: i % 11 === 0 ? null : randomBytes((i * 37) % 300).toString('hex'),
        value: i % 13 === 0 ? null : randomBytes((i * 997 + round * 131) % 20_000),
        timestamp: String(1_700_000_000_000 + i * round),
        headers: i % 3 === 0 ? {} : { h: randomBytes(i % 200), 'stafett.entity.version': String(i) },
      }));
      const input: ProduceRequestInput = { ...base, topicData: [{ topic: `t${round}`, partitions: [{ partition: round % 6, firstSequence: round * 1000, messages }] }] };
      expect(encodeProduceRequest(input).equals(await kafkajsBytes(input))).toBe(true);
    }
  });
});

describe('crc32c', () => {
  it('should give the CRC-32C check value and agree with kafkajs on random buffers', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    for (const n of [0, 1, 7, 8, 9, 63, 4096, 100_001]) {
      const b = randomBytes(n);
      expect(crc32c(b)).toBe(kafkajsCrc32c(b));
    }
  });
});

describe('installFastProduceEncoder', () => {
  it('should make the Produce versions kafkajs negotiates (v3 to v7) encode with the one-pass encoder, and leave v2 to kafkajs', async () => {
    expect(installFastProduceEncoder()).toBe(true);
    expect(installFastProduceEncoder()).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Produce } = (require('kafkajs/src/protocol/requests') as { requests: { Produce: { protocol: (o: { version: number }) => (i: ProduceRequestInput) => { request: { apiVersion: number; encode: () => Promise<{ buffer: Buffer }> } } } } }).requests;
    const input: ProduceRequestInput = {
      acks: -1,
      timeout: 1_000,
      producerId: Long.fromValue(1),
      producerEpoch: 0,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: Buffer.from('v'), timestamp: '1' }] }] }],
    };
    for (const version of [3, 5, 7]) {
      const { request } = Produce.protocol({ version })(input);
      expect(request.apiVersion).toBe(version);
      expect((await request.encode()).buffer.equals(encodeProduceRequest(input))).toBe(true);
      expect((await request.encode()).buffer.equals(await kafkajsBytes(input))).toBe(true);
    }
    // v2 writes the old message set, which this encoder does not: kafkajs's own.
    const v2 = Produce.protocol({ version: 2 })(input).request;
    expect((await v2.encode()).buffer.equals(encodeProduceRequest(input))).toBe(false);
  });
});
