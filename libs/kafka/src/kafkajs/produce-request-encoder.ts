/**
 * kafkajs's Produce request (v3, which v4–v7 reuse), encoded in one pass into one buffer.
 *
 * kafkajs builds every record, header and varint as its own Buffer (`Buffer.from([...])` per varint,
 * 64-bit varints through its `Long` class), then copies them together and computes the CRC-32C
 * byte by byte: in the all-in-one's CPU profile its produce encoding was ~25 µs per change (three
 * records) plus the garbage it left. This encoder writes the same bytes (a unit test compares it
 * with kafkajs's own encoder on the same input) into a buffer sized up front, with a slicing-by-8
 * CRC-32C. Batches with compression go to kafkajs's encoder unchanged.
 *
 * kafkajs is pinned (2.2.4, no longer maintained), so its internal module layout does not move
 * under us; `installFastProduceEncoder` checks the shape it wraps and leaves kafkajs alone when it
 * differs.
 */

interface Message {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  readonly timestamp?: string | number | null;
}

interface PartitionData {
  readonly partition: number;
  readonly firstSequence?: number;
  readonly messages: readonly Message[];
}

interface TopicData {
  readonly topic: string;
  readonly partitions: readonly PartitionData[];
}

/** kafkajs's `Long` (a BigInt inside). */
interface KafkajsLong {
  readonly value: bigint;
}

export interface ProduceRequestInput {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  readonly producerId?: KafkajsLong | number | bigint;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly TopicData[];
}

const PATCHED = Symbol.for('stafett.fast-produce-encoder');
const CASTAGNOLI = 0x82f63b78;
const TABLES: Int32Array[] = (() => {
  const t: Int32Array[] = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    t[0][n] = c;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k][n] = (t[k - 1][n] >>> 8) ^ t[0][t[k - 1][n] & 0xff];
  return t;
})();

/** CRC-32C (Castagnoli) of `buf[start, end)`, slicing by 8. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[buf[i + 4]] ^
      t2[buf[i + 5]] ^
      t1[buf[i + 6]] ^
      t0[buf[i + 7]];
  }
  for (; i < end; i++) crc = t0[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const zigzag32 = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;

function sizeOfUVarInt(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    n++;
    v = Math.floor(v / 128);
  }
  return n;
}

const sizeOfVarInt = (v: number): number => sizeOfUVarInt(zigzag32(v));

/** Zigzag of a 64-bit value given as a JS number (a timestamp delta). */
function zigzag64(v: number): bigint {
  const b = BigInt(Math.trunc(v));
  return BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
}

function sizeOfVarLong(v: number): number {
  if (Number.isSafeInteger(v) && Math.abs(v) < 2 ** 30) return sizeOfVarInt(v);
  let z = zigzag64(v);
  let n = 1;
  while (z >= 0x80n) {
    n++;
    z >>= 7n;
  }
  return n;
}

const byteLength = (v: Buffer | string): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);
const sizeOfBytes = (v: Buffer | string | null | undefined): number => (v == null ? 1 : sizeOfVarInt(byteLength(v)) + byteLength(v));

/** One record's header pairs, in kafkajs's order (an array value gives one header per element). */
function headerPairs(headers: Message['headers']): [string, Buffer | string][] {
  const pairs: [string, Buffer | string][] = [];
  if (!headers) return pairs;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (Array.isArray(value)) for (const v of value) pairs.push([key, v]);
    else pairs.push([key, value as Buffer | string]);
  }
  return pairs;
}

/** A record laid out: its body size and the parts it writes. */
interface Planned {
  readonly bodySize: number;
  readonly timestampDelta: number;
  readonly offsetDelta: number;
  readonly key: Buffer | string | null | undefined;
  readonly value: Buffer | string | null;
  readonly headers: [string, Buffer | string][];
}

class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  int8(v: number): void {
    this.buf.writeInt8(v, this.offset);
    this.offset += 1;
  }
  int16(v: number): void {
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
  }
  int32(v: number): void {
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
  }
  int64(v: bigint): void {
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.offset);
    this.offset += 8;
  }
  uvarint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
  }
  varint(v: number): void {
    this.uvarint(zigzag32(v));
  }
  varlong(v: number): void {
    if (Number.isSafeInteger(v) && Math.abs(v) < 2 ** 30) return this.varint(v);
    let z = zigzag64(v);
    while (z >= 0x80n) {
      this.buf[this.offset++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.offset++] = Number(z);
  }
  raw(v: Buffer | string): void {
    if (typeof v === 'string') this.offset += this.buf.write(v, this.offset, 'utf8');
    else this.offset += v.copy(this.buf, this.offset);
  }
  bytes(v: Buffer | string | null | undefined): void {
    if (v == null) return this.varint(-1);
    this.varint(byteLength(v));
    this.raw(v);
  }
  string(v: string | null | undefined): void {
    if (v == null) return this.int16(-1);
    this.int16(Buffer.byteLength(v, 'utf8'));
    this.raw(v);
  }
}

const int64Of = (v: KafkajsLong | number | bigint | string | undefined, fallback: bigint): bigint => {
  if (v === undefined) return fallback;
  if (typeof v === 'object') return v.value;
  return BigInt(v);
};

/**
 * The body of a Produce v3 request (what kafkajs's `encode()` gives), for uncompressed batches: the
 * same bytes kafkajs writes, with the same timestamps (`now` for a message without one).
 */
export function encodeProduceRequest(input: ProduceRequestInput, now: number = Date.now()): Buffer {
  const producerId = int64Of(input.producerId, -1n);
  const producerEpoch = input.producerEpoch ?? 0;
  const transactional = !!input.transactionalId;
  let size = 2 + (input.transactionalId == null ? 0 : Buffer.byteLength(input.transactionalId, 'utf8')) + 2 + 4 + 4;
  const topics = input.topicData.map((t) => {
    size += 2 + Buffer.byteLength(t.topic, 'utf8') + 4;
    const partitions = t.partitions.map((p) => {
      // kafkajs sorts the given timestamps as strings (Array#sort without a comparator): the same here.
      const stamps = p.messages
        .map((m) => m.timestamp)
        .filter((s): s is string | number => s != null)
        .sort();
      const firstTimestamp: string | number = stamps.length === 0 ? now : stamps[0];
      const maxTimestamp: string | number = stamps.length === 0 ? now : stamps[stamps.length - 1];
      let recordsSize = 0;
      const records: Planned[] = p.messages.map((m, i) => {
        const headers = headerPairs(m.headers);
        const timestampDelta = Number(m.timestamp || now) - Number(firstTimestamp);
        let headersSize = sizeOfVarInt(headers.length);
        for (const [k, v] of headers) headersSize += sizeOfVarInt(Buffer.byteLength(k, 'utf8')) + Buffer.byteLength(k, 'utf8') + sizeOfBytes(v);
        const bodySize = 1 + sizeOfVarLong(timestampDelta) + sizeOfVarInt(i) + sizeOfBytes(m.key) + sizeOfBytes(m.value) + headersSize;
        recordsSize += sizeOfVarInt(bodySize) + bodySize;
        return { bodySize, timestampDelta, offsetDelta: i, key: m.key, value: m.value, headers };
      });
      // partitionLeaderEpoch, magic, crc, attributes, lastOffsetDelta, two timestamps, producer id, epoch, sequence, count
      const batchSize = 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4 + recordsSize;
      size += 4 + 4 + 8 + 4 + batchSize;
      return { partition: p.partition, firstSequence: p.firstSequence ?? 0, firstTimestamp, maxTimestamp, records, batchSize };
    });
    return { topic: t.topic, partitions };
  });

  const w = new Writer(Buffer.allocUnsafe(size));
  w.string(input.transactionalId ?? null);
  w.int16(input.acks);
  w.int32(input.timeout);
  w.int32(topics.length);
  for (const t of topics) {
    w.string(t.topic);
    w.int32(t.partitions.length);
    for (const p of t.partitions) {
      w.int32(p.partition);
      w.int32(8 + 4 + p.batchSize); // the record set: first offset, batch length, batch
      w.int64(0n);
      w.int32(p.batchSize);
      w.int32(0); // partitionLeaderEpoch
      w.int8(2); // magic
      const crcAt = w.offset;
      w.offset += 4;
      const bodyStart = w.offset;
      w.int16(transactional ? 16 : 0); // attributes: no compression, create time, transactional bit
      w.int32(p.records.length - 1);
      w.int64(BigInt(p.firstTimestamp));
      w.int64(BigInt(p.maxTimestamp));
      w.int64(producerId);
      w.int16(producerEpoch);
      w.int32(p.firstSequence);
      w.int32(p.records.length);
      for (const r of p.records) {
        w.varint(r.bodySize);
        w.int8(0);
        w.varlong(r.timestampDelta);
        w.varint(r.offsetDelta);
        w.bytes(r.key);
        w.bytes(r.value);
        w.varint(r.headers.length);
        for (const [k, v] of r.headers) {
          w.varint(Buffer.byteLength(k, 'utf8'));
          w.raw(k);
          w.bytes(v);
        }
      }
      w.buf.writeUInt32BE(crc32c(w.buf, bodyStart, w.offset), crcAt);
    }
  }
  if (w.offset !== size) throw new Error(`produce request encoder: wrote ${w.offset} bytes, planned ${size}`);
  return w.buf;
}

type ProduceFactory = (input: ProduceRequestInput) => { request: { encode: () => Promise<unknown> } & Record<string, unknown>; response: unknown };
interface ProduceApi {
  protocol: (o: { version: number }) => ProduceFactory;
  [PATCHED]?: true;
}

/**
 * Wraps kafkajs's Produce API so that versions 3 to 7 (all built on the v3 request) encode
 * uncompressed batches with `encodeProduceRequest`. kafkajs looks the API up at every produce, so
 * this holds for clients created before and after; idempotent. Returns whether it is in place
 * (false when kafkajs's internals are not the shape this was written for: kafkajs then encodes).
 */
export function installFastProduceEncoder(): boolean {
  try {
    // The same module instances kafkajs itself uses (under jest too, whose registry differs from node's).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { requests } = require('kafkajs/src/protocol/requests') as { requests: { Produce?: ProduceApi } };
    const Encoder = require('kafkajs/src/protocol/encoder') as new (size?: number) => { buf: Buffer; offset: number };
    const { Types } = require('kafkajs/src/protocol/message/compression') as { Types: { None: number } };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const api = requests.Produce;
    if (!api || typeof api.protocol !== 'function') return false;
    if (api[PATCHED]) return true;
    const protocol = api.protocol;
    api.protocol = ({ version }) => {
      const make = protocol({ version });
      if (version < 3 || typeof make !== 'function') return make;
      return (input) => {
        const built = make(input);
        if ((input.compression ?? Types.None) !== Types.None) return built;
        const encode = async () => {
          const encoder = new Encoder(0);
          encoder.buf = encodeProduceRequest(input);
          encoder.offset = encoder.buf.length;
          return encoder;
        };
        return { ...built, request: { ...built.request, encode } };
      };
    };
    api[PATCHED] = true;
    return true;
  } catch {
    return false;
  }
}
