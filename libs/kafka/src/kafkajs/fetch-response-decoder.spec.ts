/** The one-pass Fetch decoder returns exactly what kafkajs's own decoder returns for the same bytes. */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { decodeFetchResponse, installFastFetchDecoder } from './fetch-response-decoder';

const kafkajs = createRequire(require.resolve('kafkajs'));
// kafkajs's own v11 response decoder (the module, which the installed wrapper does not change).
const original = kafkajs('./src/protocol/requests/fetch/v11/response') as { decode: (raw: Buffer) => Promise<unknown> };

/** Kafka's wire types, written by hand so the test does not share code with either decoder. */
class Writer {
  private readonly parts: Buffer[] = [];
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  uint32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    return this.push(b);
  }
  int64(v: bigint | number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }
  /** A zigzag varint or varlong. */
  varint(v: bigint | number): this {
    const n = BigInt(v);
    let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
    const bytes: number[] = [];
    do {
      const low = Number(z & 0x7fn);
      z >>= 7n;
      bytes.push(z > 0n ? low | 0x80 : low);
    } while (z > 0n);
    return this.push(Buffer.from(bytes));
  }
  varBytes(b: Buffer | string | null): this {
    if (b === null) return this.varint(-1);
    const buf = Buffer.from(b);
    return this.varint(buf.length).push(buf);
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const buf = Buffer.from(s);
    return this.int16(buf.length).push(buf);
  }
  push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  get buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

interface TestRecord {
  attributes?: number;
  timestampDelta: bigint | number;
  offsetDelta: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: [string, Buffer | string | null][];
}

interface TestBatch {
  firstOffset: bigint | number;
  attributes: number;
  firstTimestamp: bigint | number;
  maxTimestamp: bigint | number;
  producerId?: bigint | number;
  records: TestRecord[];
  /** Gzip the records (attributes then carry codec 1). */
  gzip?: boolean;
  magic?: number;
}

const recordBytes = (r: TestRecord): Buffer => {
  const body = new Writer().int8(r.attributes ?? 0).varint(r.timestampDelta).varint(r.offsetDelta).varBytes(r.key).varBytes(r.value).varint(r.headers.length);
  for (const [k, v] of r.headers) body.varBytes(k).varBytes(v);
  const b = body.buffer;
  return new Writer().varint(b.length).push(b).buffer;
};

const batchBytes = (batch: TestBatch): Buffer => {
  const records = Buffer.concat(batch.records.map(recordBytes));
  const body = new Writer()
    .int16(batch.attributes | (batch.gzip ? 1 : 0))
    .int32(batch.records.length - 1)
    .int64(batch.firstTimestamp)
    .int64(batch.maxTimestamp)
    .int64(batch.producerId ?? -1)
    .int16(0)
    .int32(-1)
    .int32(batch.records.length)
    .push(batch.gzip ? gzipSync(records) : records).buffer;
  // The CRC is not checked by either decoder.
  const inner = new Writer().int32(7).int8(batch.magic ?? 2).uint32(0).push(body).buffer;
  return new Writer().int64(batch.firstOffset).int32(inner.length).push(inner).buffer;
};

interface TestPartition {
  partition: number;
  errorCode?: number;
  highWatermark: bigint | number;
  aborted?: [bigint | number, bigint | number][];
  batches: TestBatch[];
  /** Bytes cut off the end of the record set, as a broker's maxBytes does. */
  cut?: number;
  /** A record set size written as is (0 or -1). */
  size?: number;
}

const fetchResponse = (topics: [string, TestPartition[]][]): Buffer => {
  const w = new Writer().int32(0).int16(0).int32(123_456).int32(topics.length);
  for (const [topic, partitions] of topics) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) {
      w.int32(p.partition)
        .int16(p.errorCode ?? 0)
        .int64(p.highWatermark)
        .int64(p.highWatermark)
        .int64(0);
      w.int32(p.aborted?.length ?? -1);
      for (const [producerId, firstOffset] of p.aborted ?? []) w.int64(producerId).int64(firstOffset);
      w.int32(-1);
      if (p.size !== undefined) {
        w.int32(p.size);
        continue;
      }
      const set = Buffer.concat(p.batches.map(batchBytes));
      const cut = set.subarray(0, set.length - (p.cut ?? 0));
      w.int32(cut.length).push(cut);
    }
  }
  return w.buffer;
};

const record = (i: number, extra: Partial<TestRecord> = {}): TestRecord => ({
  timestampDelta: i * 3,
  offsetDelta: i,
  key: `b5e3a1f0-0000-4000-8000-${String(i).padStart(12, '0')}`,
  value: randomBytes(50 + i),
  headers: [['stafett.entity.version', String(i + 1)]],
  ...extra,
});

const now = Date.UTC(2026, 10, 30, 12);

describe('decodeFetchResponse', () => {
  it('should return what kafkajs returns for several topics, partitions and batches, with tombstones, null keys and repeated headers', async () => {
    const raw = fetchResponse([
      [
        'stafett.person.state.v1',
        [
          {
            partition: 0,
            highWatermark: 40,
            batches: [
              { firstOffset: 10, attributes: 0, firstTimestamp: now, maxTimestamp: now + 9, records: [0, 1, 2].map((i) => record(i)) },
              {
                firstOffset: 13,
                attributes: 0,
                firstTimestamp: now + 10,
                maxTimestamp: now + 10,
                records: [
                  record(0, { value: null }),
                  record(1, { key: null, headers: [] }),
                  record(2, { headers: [['multi', 'a'], ['multi', Buffer.from('b')], ['multi', null], ['åäö-nyckel', 'v'], ['other', 'x'], ['other', 'y']] }),
                ],
              },
            ],
          },
          { partition: 4, highWatermark: 0, batches: [] },
        ],
      ],
      ['stafett.person.events.v1', [{ partition: 2, errorCode: 0, highWatermark: 3, batches: [{ firstOffset: 0, attributes: 0, firstTimestamp: now, maxTimestamp: now, records: [record(0)] }] }]],
    ]);
    const decoded = decodeFetchResponse(raw);
    expect(decoded).toStrictEqual(await original.decode(raw));
    expect(decoded.responses[0].partitions[0].messages.map((m) => m.offset)).toEqual(['10', '11', '12', '13', '14', '15']);
    expect(decoded.responses[0].partitions[0].messages[5].headers['multi']).toEqual([Buffer.from('a'), Buffer.from('b'), null]);
  });

  it("should keep header names a hostile producer chooses (__proto__, constructor) as the headers' own values, changing no prototype", () => {
    // kafkajs differs here: it merges such a header with the inherited member (`[Object, value]`).
    const raw = fetchResponse([
      ['t', [{ partition: 0, highWatermark: 1, batches: [{ firstOffset: 0, attributes: 0, firstTimestamp: now, maxTimestamp: now, records: [record(0, { headers: [['__proto__', 'p'], ['__proto__', 'q'], ['constructor', 'c'], ['toString', 't']] })] }] }]],
    ]);
    const headers = decodeFetchResponse(raw).responses[0].partitions[0].messages[0].headers;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual([Buffer.from('p'), Buffer.from('q')]);
    expect(Object.keys(headers)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(headers['constructor']).toEqual(Buffer.from('c'));
    expect(headers['toString']).toEqual(Buffer.from('t'));
  });

  it('should stop at a partial batch at the end of a record set, as kafkajs does', async () => {
    const batches: TestBatch[] = [0, 1, 2].map((b) => ({ firstOffset: b * 5, attributes: 0, firstTimestamp: now, maxTimestamp: now, records: [0, 1, 2, 3, 4].map((i) => record(i)) }));
    for (const cut of [1, 30, 200]) {
      const raw = fetchResponse([['t', [{ partition: 1, highWatermark: 15, batches, cut }]]]);
      const decoded = decodeFetchResponse(raw);
      expect(decoded).toStrictEqual(await original.decode(raw));
      expect(decoded.responses[0].partitions[0].messages).toHaveLength(10);
    }
  });

  it('should read empty record sets, aborted transactions, control and transactional batches, log-append time and offsets past 2^53 as kafkajs does', async () => {
    const big = 2n ** 60n + 7n;
    const raw = fetchResponse([
      [
        'edge',
        [
          { partition: 0, highWatermark: 0, batches: [], size: 0 },
          { partition: 1, highWatermark: 0, batches: [], size: -1 },
          {
            partition: 2,
            highWatermark: big,
            aborted: [[4711, 3]],
            batches: [
              { firstOffset: big, attributes: 0x10, producerId: 4711, firstTimestamp: now, maxTimestamp: now + 5, records: [record(0, { timestampDelta: -5 }), record(1)] },
              { firstOffset: big + 2n, attributes: 0x30, producerId: 4711, firstTimestamp: now, maxTimestamp: now, records: [record(0, { key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) })] },
              { firstOffset: 2n ** 53n - 2n, attributes: 0x08, firstTimestamp: now, maxTimestamp: now + 77, records: [record(0), record(1), record(2)] },
              { firstOffset: 5, attributes: 0, firstTimestamp: -1, maxTimestamp: -1, records: [record(0, { timestampDelta: 2n ** 50n + 3n }), record(1, { timestampDelta: -(2n ** 62n) })] },
            ],
          },
        ],
      ],
    ]);
    const decoded = decodeFetchResponse(raw);
    expect(decoded).toStrictEqual(await original.decode(raw));
    const messages = decoded.responses[0].partitions[2].messages;
    expect(messages[0].offset).toBe(String(big));
    expect(messages[3].offset).toBe(String(2n ** 53n - 2n));
    expect(messages[5].offset).toBe(String(2n ** 53n));
    expect(messages[4].timestamp).toBe(String(now + 77));
  });

  it('should return what kafkajs returns for random responses', async () => {
    const rnd = (n: number) => Math.floor(Math.random() * n);
    for (let round = 0; round < 100; round++) {
      const topics: [string, TestPartition[]][] = Array.from({ length: 1 + rnd(3) }, (_, t) => [
        `topic-${t}`,
        Array.from({ length: 1 + rnd(4) }, (_, p) => ({
          partition: p,
          highWatermark: rnd(1_000_000),
          batches: Array.from({ length: rnd(4) }, () => ({
            firstOffset: rnd(2 ** 40),
            attributes: [0, 0x08, 0x10][rnd(3)],
            firstTimestamp: now - rnd(1e9),
            maxTimestamp: now,
            records: Array.from({ length: 1 + rnd(20) }, (_, i) =>
              record(i, {
                timestampDelta: rnd(100_000) - 50_000,
                key: rnd(5) === 0 ? null : randomBytes(rnd(40)),
                value: rnd(5) === 0 ? null : randomBytes(rnd(300)),
                headers: Array.from({ length: rnd(4) }, () => [['a', 'b', 'stafett.entity.version'][rnd(3)], rnd(4) === 0 ? null : randomBytes(rnd(10))] as [string, Buffer | null]),
              }),
            ),
          })),
          cut: rnd(3) === 0 ? rnd(60) : 0,
        })),
      ]);
      const raw = fetchResponse(topics);
      expect(decodeFetchResponse(raw)).toStrictEqual(await original.decode(raw));
    }
  });
});

describe('installFastFetchDecoder', () => {
  const api = () => (kafkajs('./src/protocol/requests') as { requests: { Fetch: { protocol: (a: { version: number }) => (input: unknown) => { response: { decode: (raw: Buffer) => Promise<unknown> } } } } }).requests.Fetch;
  const input = { maxWaitTime: 100, minBytes: 1, maxBytes: 1_000_000, topics: [] };

  it('should make kafkajs decode Fetch v11 with it, and leave compressed batches and the legacy format to kafkajs', async () => {
    expect(installFastFetchDecoder()).toBe(true);
    expect(installFastFetchDecoder()).toBe(true);
    const decode = (raw: Buffer) => api().protocol({ version: 11 })(input).response.decode(raw);
    expect(api().protocol({ version: 11 })(input).response.decode).not.toBe(original.decode);
    expect(api().protocol({ version: 10 })(input).response.decode).toBe((kafkajs('./src/protocol/requests/fetch/v10/response') as typeof original).decode);
    const plain = fetchResponse([['t', [{ partition: 0, highWatermark: 3, batches: [{ firstOffset: 0, attributes: 0, firstTimestamp: now, maxTimestamp: now, records: [record(0), record(1)] }] }]]]);
    expect(await decode(plain)).toStrictEqual(await original.decode(plain));
    const gzipped = fetchResponse([['t', [{ partition: 0, highWatermark: 3, batches: [{ firstOffset: 0, attributes: 0, gzip: true, firstTimestamp: now, maxTimestamp: now, records: [record(0), record(1)] }] }]]]);
    const fallback = (await decode(gzipped)) as Awaited<ReturnType<typeof decodeFetchResponse>>;
    expect(fallback).toStrictEqual(await original.decode(gzipped));
    expect(fallback.responses[0].partitions[0].messages.map((m) => m.key?.toString())).toEqual([record(0).key, record(1).key]);
    expect(() => decodeFetchResponse(gzipped)).toThrow('compressed batch');
    const legacy = fetchResponse([['t', [{ partition: 0, highWatermark: 3, batches: [{ firstOffset: 0, attributes: 0, magic: 1, firstTimestamp: now, maxTimestamp: now, records: [record(0)] }] }]]]);
    expect(() => decodeFetchResponse(legacy)).toThrow('legacy message set');
  });
});
