/**
 * kafkajs's Fetch response (v11, the version it speaks to Kafka 2.3 and later), decoded in one pass.
 *
 * kafkajs decodes each record through a `Decoder` object of its own, parses the batch's first
 * offset and timestamp from strings into its `Long` (a BigInt inside) for every record, builds each
 * record's headers object by spreading it once per header, and reads 64-bit varints through `Long`:
 * in the all-in-one's CPU profile that was ~24 µs per consumed change (every consumer group decodes
 * every record of the topics it follows) and a large share of the garbage. This decoder walks the
 * response once with plain number arithmetic (BigInt only past 2^53) and returns the same objects
 * (a unit test compares it with kafkajs's own decoder on the same bytes), except for header names
 * of `Object.prototype` members (`__proto__`, `constructor`, …), which kafkajs merges with the
 * inherited member and this decoder keeps as the header's own value. Responses with compressed
 * batches or the legacy message format go to kafkajs's decoder unchanged.
 *
 * kafkajs is pinned (2.2.4, no longer maintained), so its internal module layout does not move
 * under us; `installFastFetchDecoder` checks the shape it wraps and leaves kafkajs alone when it
 * differs.
 */
import { setHeader } from '../headers';

/** A record as kafkajs's record decoder returns it. */
export interface FetchedRecord {
  readonly magicByte: number;
  readonly attributes: number;
  readonly timestamp: string;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | null | (Buffer | null)[]>;
  readonly isControlRecord: boolean;
  readonly batchContext: BatchContext;
}

interface BatchContext {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly partitionLeaderEpoch: number;
  readonly inTransaction: boolean;
  readonly isControlBatch: boolean;
  readonly lastOffsetDelta: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly maxTimestamp: string;
  readonly timestampType: number;
  readonly magicByte: number;
}

export interface FetchResponse {
  readonly throttleTime: number;
  readonly clientSideThrottleTime: number;
  readonly errorCode: number;
  readonly sessionId: number;
  readonly responses: {
    readonly topicName: string | null;
    readonly partitions: {
      readonly partition: number;
      readonly errorCode: number;
      readonly highWatermark: string;
      readonly lastStableOffset: string;
      readonly lastStartOffset: string;
      readonly abortedTransactions: { readonly producerId: string; readonly firstOffset: string }[];
      readonly preferredReadReplica: number;
      readonly messages: FetchedRecord[];
    }[];
  }[];
}

const MAGIC_BYTE = 2;
const MAGIC_OFFSET = 16;
const RECORD_BATCH_OVERHEAD = 49;
const COMPRESSION_CODEC_MASK = 0x07;
const TIMESTAMP_TYPE_FLAG_MASK = 0x08;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;
const LOG_APPEND_TIME = 1;
const CREATE_TIME = 0;
const TWO_32 = 4_294_967_296;

/** What the decoder cannot read itself: kafkajs's decoder takes the whole response. */
class Unsupported extends Error {}

/** A 64-bit integer: a number while it is exact, else a BigInt. */
type Int64 = number | bigint;

const add = (a: Int64, delta: Int64): string => {
  if (typeof a === 'number' && typeof delta === 'number') {
    const sum = a + delta;
    if (Number.isSafeInteger(sum)) return String(sum);
  }
  return BigInt.asIntN(64, BigInt(a) + BigInt(delta)).toString();
};

class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  int8(): number {
    const v = this.buf.readInt8(this.offset);
    this.offset += 1;
    return v;
  }

  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): Int64 {
    const hi = this.buf.readInt32BE(this.offset);
    const lo = this.buf.readUInt32BE(this.offset + 4);
    const v = hi >= -0x200000 && hi < 0x200000 ? hi * TWO_32 + lo : this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  int64String(): string {
    return String(this.int64());
  }

  /** A zigzag varint as kafkajs reads it (32-bit arithmetic). */
  varInt(): number {
    const buf = this.buf;
    let byte: number;
    let result = 0;
    let shift = 0;
    do {
      byte = buf[this.offset++];
      result += (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
    return (result >>> 1) ^ -(result & 1);
  }

  /** A zigzag varlong: a number while it is exact, else a BigInt (at most 10 bytes). */
  varLong(): Int64 {
    const buf = this.buf;
    const start = this.offset;
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      if (scale >= 2 ** 49) return this.bigVarLong(start);
      byte = buf[this.offset++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80);
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  private bigVarLong(start: number): bigint {
    this.offset = start;
    let value = 0n;
    let shift = 0n;
    let byte: number;
    do {
      if (shift > 63n) throw new Error('Invalid Long, must contain 9 bytes or less');
      byte = this.buf[this.offset++];
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte >= 0x80);
    value = BigInt.asUintN(64, value);
    return BigInt.asIntN(64, (value >> 1n) ^ -(value & 1n));
  }

  varIntBytes(): Buffer | null {
    const length = this.varInt();
    if (length === -1) return null;
    const v = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  varIntString(): string | null {
    return this.utf8(this.varInt());
  }

  string(): string | null {
    return this.utf8(this.int16());
  }

  /** `length` bytes as UTF-8; a length of -1 is null. */
  private utf8(length: number): string | null {
    if (length === -1) return null;
    const v = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  canRead(bytes: number): boolean {
    return this.buf.length - this.offset >= bytes;
  }
}

/**
 * Decodes a Fetch v11 response body; throws `Unsupported` (caught by the installed wrapper, which
 * then asks kafkajs) for compressed batches and the legacy message format.
 */
export function decodeFetchResponse(raw: Buffer): FetchResponse {
  const r = new Reader(raw);
  const clientSideThrottleTime = r.int32();
  const errorCode = r.int16();
  const sessionId = r.int32();
  const topicCount = r.int32();
  const responses: FetchResponse['responses'][number][] = [];
  for (let t = 0; t < topicCount; t++) {
    const topicName = r.string();
    const partitionCount = r.int32();
    const partitions: FetchResponse['responses'][number]['partitions'][number][] = [];
    for (let p = 0; p < partitionCount; p++) {
      const partition = r.int32();
      const partitionError = r.int16();
      const highWatermark = r.int64String();
      const lastStableOffset = r.int64String();
      const lastStartOffset = r.int64String();
      const abortedCount = r.int32();
      const abortedTransactions: { producerId: string; firstOffset: string }[] = [];
      for (let a = 0; a < abortedCount; a++) abortedTransactions.push({ producerId: r.int64String(), firstOffset: r.int64String() });
      const preferredReadReplica = r.int32();
      partitions.push({
        partition,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        lastStartOffset,
        abortedTransactions,
        preferredReadReplica,
        messages: decodeMessages(r),
      });
    }
    responses.push({ topicName, partitions });
  }
  return { throttleTime: 0, clientSideThrottleTime, errorCode, sessionId, responses };
}

/** A partition's record set: its record batches, up to a partial one at the end (Fetch's maxBytes cuts them). */
function decodeMessages(r: Reader): FetchedRecord[] {
  const size = r.int32();
  if (size <= 0 || !r.canRead(size)) return [];
  const set = new Reader(r.buf.subarray(r.offset, r.offset + size));
  r.offset += size;
  if (set.buf.readInt8(MAGIC_OFFSET) !== MAGIC_BYTE) throw new Unsupported('legacy message set');
  const records: FetchedRecord[] = [];
  while (set.canRead(RECORD_BATCH_OVERHEAD)) {
    const firstOffsetValue = set.int64();
    const length = set.int32();
    if (!set.canRead(length)) break;
    const end = set.offset + length;
    const partitionLeaderEpoch = set.int32();
    const magicByte = set.int8();
    set.offset += 4; // CRC, which kafkajs does not check either
    const attributes = set.int16();
    if ((attributes & COMPRESSION_CODEC_MASK) !== 0) throw new Unsupported('compressed batch');
    const lastOffsetDelta = set.int32();
    const firstTimestampValue = set.int64();
    const maxTimestamp = set.int64String();
    const producerId = set.int64String();
    const producerEpoch = set.int16();
    const firstSequence = set.int32();
    const timestampType = (attributes & TIMESTAMP_TYPE_FLAG_MASK) > 0 ? LOG_APPEND_TIME : CREATE_TIME;
    const isControlRecord = (attributes & CONTROL_FLAG_MASK) > 0;
    const batchContext: BatchContext = {
      firstOffset: String(firstOffsetValue),
      firstTimestamp: String(firstTimestampValue),
      partitionLeaderEpoch,
      inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) > 0,
      isControlBatch: isControlRecord,
      lastOffsetDelta,
      producerId,
      producerEpoch,
      firstSequence,
      maxTimestamp,
      timestampType,
      magicByte,
    };
    const count = set.int32();
    for (let i = 0; i < count; i++) {
      const recordLength = set.varInt();
      const recordEnd = set.offset + recordLength;
      const recordAttributes = set.int8();
      const timestampDelta = set.varLong();
      const offsetDelta = set.varInt();
      const key = set.varIntBytes();
      const value = set.varIntBytes();
      const headerCount = set.varInt();
      const headers: Record<string, Buffer | null | (Buffer | null)[]> = {};
      for (let h = 0; h < headerCount; h++) {
        const headerKey = String(set.varIntString());
        const headerValue = set.varIntBytes();
        const before = Object.hasOwn(headers, headerKey) ? headers[headerKey] : undefined;
        const merged = before === undefined ? headerValue : Array.isArray(before) ? [...before, headerValue] : [before, headerValue];
        // An own property whatever the name, as kafkajs's object spread makes it.
        setHeader(headers, headerKey, merged);
      }
      set.offset = recordEnd;
      records.push({
        magicByte,
        attributes: recordAttributes,
        timestamp: timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : add(firstTimestampValue, timestampDelta),
        offset: add(firstOffsetValue, offsetDelta),
        key,
        value,
        headers,
        isControlRecord,
        batchContext,
      });
    }
    set.offset = end;
  }
  return records;
}

interface FetchResponseCodec {
  decode(raw: Buffer): Promise<unknown>;
  parse(data: unknown): Promise<unknown>;
}

interface FetchApi {
  protocol: (arg: { version: number }) => (input: unknown) => { response: FetchResponseCodec; [key: string]: unknown };
  [PATCHED]?: true;
}

const PATCHED = Symbol.for('stafett.kafkajs.fetch-decoder');

/**
 * Makes kafkajs decode its Fetch v11 responses with `decodeFetchResponse` (kafkajs looks its Fetch
 * API up at every fetch, so every consumer of the process is covered). Idempotent. Returns false,
 * leaving kafkajs unchanged, when its module layout is not the one this was written for.
 */
export function installFastFetchDecoder(): boolean {
  try {
    // The same module instance kafkajs itself uses (under jest too, whose registry differs from node's).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { requests } = require('kafkajs/src/protocol/requests') as { requests: { Fetch?: FetchApi } };
    const api = requests.Fetch;
    if (!api || typeof api.protocol !== 'function') return false;
    if (api[PATCHED]) return true;
    const protocol = api.protocol;
    api.protocol = ({ version }) => {
      const make = protocol({ version });
      if (version !== 11 || typeof make !== 'function') return make;
      return (input) => {
        const built = make(input);
        const original = built.response;
        if (typeof original?.decode !== 'function') return built;
        const decode = async (raw: Buffer) => {
          try {
            return decodeFetchResponse(raw);
          } catch (error) {
            if (error instanceof Unsupported) return original.decode(raw);
            throw error;
          }
        };
        return { ...built, response: { ...original, decode } };
      };
    };
    api[PATCHED] = true;
    return true;
  } catch {
    return false;
  }
}
