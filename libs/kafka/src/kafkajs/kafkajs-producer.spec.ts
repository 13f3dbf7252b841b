import type { OutgoingMessage } from '../kafka-client.port';
import { chunkMessages, MAX_TOPIC_BYTES_PER_CALL } from './kafkajs-producer';

const message = (topic: string, i: number, bytes: number): OutgoingMessage => ({ topic, key: `k${i}`, value: Buffer.alloc(bytes, i % 256) });

describe('chunkMessages: sendBatch calls no partition of which the broker would refuse', () => {
  it('should keep small sends whole, and cut at 2,000 records', () => {
    const small = Array.from({ length: 4_500 }, (_, i) => message('a', i, 100));
    expect(chunkMessages(small.slice(0, 10))).toEqual([small.slice(0, 10)]);
    expect(chunkMessages(small).map((c) => c.length)).toEqual([2_000, 2_000, 500]);
  });

  it("should end a call before a topic's bytes pass the bound, keeping the order", () => {
    const big = Array.from({ length: 40 }, (_, i) => message('events', i, 100 * 1024)); // 4 MB for one topic
    const chunks = chunkMessages(big);
    expect(chunks.flat()).toEqual(big);
    for (const c of chunks) expect(c.reduce((n, m) => n + m.value!.length, 0)).toBeLessThanOrEqual(MAX_TOPIC_BYTES_PER_CALL);
    expect(chunks.length).toBe(5); // 8 records of 100 KiB (plus framing) per call
  });

  it('should count each topic on its own (three topics of 600 KB each fit one call)', () => {
    const mixed = ['events', 'state', 'results'].flatMap((t) => Array.from({ length: 6 }, (_, i) => message(t, i, 100 * 1000)));
    expect(chunkMessages(mixed)).toEqual([mixed]);
  });

  it('should send a record larger than the bound alone, and count headers', () => {
    const huge = message('dlq', 0, 1_048_400);
    const withHeaders = { ...message('dlq', 1, 800 * 1024), headers: { 'stafett.dlq.error.message': 'x'.repeat(100 * 1024) } };
    const small = message('dlq', 2, 10);
    expect(chunkMessages([small, huge, withHeaders, small]).map((c) => c.length)).toEqual([1, 1, 1, 1]);
  });
});
