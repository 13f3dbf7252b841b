import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';

/**
 * The most one compressed record batch may expand to. A decompression bomb (a small batch that
 * expands to gigabytes) fails with a clear error instead of exhausting the process's memory.
 */
export const MAX_DECOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;

/** Why a compressed record batch could not be read (the batch is corrupt, or larger than allowed decompressed). */
export class BatchDecompressionError extends Error {
  override readonly name = 'BatchDecompressionError';
}

const tooLarge = (codec: string, bytes: number) =>
  new BatchDecompressionError(`a record batch compressed with ${codec} would expand to ${bytes} bytes, more than the ${MAX_DECOMPRESSED_BATCH_BYTES} allowed`);

const gzip = promisify<zlib.InputType, Buffer>(zlib.gzip);
const gunzip = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.gunzip);
const zstdCompress = promisify<zlib.InputType, Buffer>(zlib.zstdCompress);
const zstdDecompress = promisify<zlib.InputType, zlib.ZstdOptions, Buffer>(zlib.zstdDecompress);

/** zlib's own limit, reported as ours. */
async function capped(codec: string, inflate: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await inflate();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(codec, MAX_DECOMPRESSED_BATCH_BYTES + 1);
    throw new BatchDecompressionError(`a record batch compressed with ${codec} could not be decompressed: ${(e as Error).message}`, { cause: e });
  }
}

const asBuffer = (a: Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A Snappy block's decompressed length: its leading varint (what snappyjs allocates before it checks anything). */
function snappyLength(block: Buffer): number {
  let length = 0;
  for (let i = 0, shift = 0; i < block.length && shift < 35; i++, shift += 7) {
    length += (block[i] & 0x7f) * 2 ** shift;
    if (block[i] < 0x80) return length;
  }
  throw new BatchDecompressionError('a record batch compressed with snappy could not be decompressed: its length is malformed');
}

/** snappy-java's stream framing ("xerial"), which the Java client writes: an 8-byte magic, two versions, then length-prefixed blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function snappyDecompress(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  if (data.length >= XERIAL_HEADER_BYTES && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    for (let at = XERIAL_HEADER_BYTES; at < data.length; ) {
      if (at + 4 > data.length) throw new BatchDecompressionError('a record batch compressed with snappy could not be decompressed: a block length is cut off');
      const size = data.readUInt32BE(at);
      at += 4;
      if (at + size > data.length) throw new BatchDecompressionError('a record batch compressed with snappy could not be decompressed: a block is cut off');
      blocks.push(data.subarray(at, at + size));
      at += size;
    }
  } else blocks.push(data);
  let total = 0;
  for (const b of blocks) {
    total += snappyLength(b);
    if (total > MAX_DECOMPRESSED_BATCH_BYTES) throw tooLarge('snappy', total);
  }
  try {
    return blocks.length === 1 ? asBuffer(snappy.uncompress(blocks[0])) : Buffer.concat(blocks.map((b) => snappy.uncompress(b)), total);
  } catch (e) {
    throw new BatchDecompressionError(`a record batch compressed with snappy could not be decompressed: ${(e as Error).message}`, { cause: e });
  }
}

const corruptLz4 = (why: string) => new BatchDecompressionError(`a record batch compressed with lz4 could not be decompressed: ${why}`);
const LZ4_MAGIC = 0x184d2204;
/** The frame descriptor's block maximum sizes (BD bits 4–6; values below 4 are reserved). */
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/**
 * An upper bound of an LZ4 frame's decompressed size from its block headers: what each block can
 * hold at most. The frame's own content size is not trusted (lz4js reads it, wrongly above 2^31,
 * and a frame whose blocks hold more than it says would be silently cut short).
 */
function lz4Bound(data: Buffer): number {
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_MAGIC) throw corruptLz4('it is not an LZ4 frame');
  const flags = data[4];
  const blockMax = LZ4_BLOCK_MAX[(data[5] >> 4) & 7];
  if (!blockMax) throw corruptLz4('its block size is invalid');
  const blockChecksums = (flags & 0x10) !== 0;
  let at = 6 + (flags & 0x08 ? 8 : 0) + 1; // descriptor, content size if present, header checksum
  for (let bound = 0; ; ) {
    if (at + 4 > data.length) throw corruptLz4('a block is cut off');
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) return bound;
    const size = word & 0x7fffffff;
    bound += word & 0x80000000 ? size : blockMax;
    if (bound > MAX_DECOMPRESSED_BATCH_BYTES) throw tooLarge('lz4', bound);
    at += size + (blockChecksums ? 4 : 0);
  }
}

function lz4Decompress(data: Buffer): Buffer {
  const bound = lz4Bound(data);
  try {
    return asBuffer(lz4.decompress(data, bound));
  } catch (e) {
    throw corruptLz4((e as Error).message);
  }
}

const readOnly = (codec: string) => async (): Promise<Buffer> => {
  throw new Error(`Stafett reads ${codec}-compressed record batches but does not write them`);
};

/**
 * Registers decompression for every codec a Kafka producer may use, so a batch another client
 * compressed (the Java client's `compression.type=lz4|zstd|snappy|gzip`) is read like any other.
 * kafkajs itself reads only gzip: any other codec made it throw KafkaJSNotImplemented on every
 * fetch of that partition, and the consumer crashed and restarted on it forever. Snappy and LZ4
 * are pure JS (snappyjs, lz4js), gzip and zstd are Node's zlib; each is capped at
 * `MAX_DECOMPRESSED_BATCH_BYTES`. Stafett's own producers do not compress; gzip and zstd can be
 * written (zlib), Snappy and LZ4 only read.
 */
export function installCompressionCodecs(): void {
  const codecs = CompressionCodecs as Record<number, () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> }>;
  codecs[CompressionTypes.GZIP] = () => ({
    compress: (encoder) => gzip(encoder.buffer),
    decompress: (buffer) => capped('gzip', () => gunzip(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES })),
  });
  codecs[CompressionTypes.ZSTD] = () => ({
    compress: (encoder) => zstdCompress(encoder.buffer),
    decompress: (buffer) => capped('zstd', () => zstdDecompress(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES })),
  });
  codecs[CompressionTypes.Snappy] = () => ({ compress: readOnly('snappy'), decompress: async (buffer) => snappyDecompress(buffer) });
  codecs[CompressionTypes.LZ4] = () => ({ compress: readOnly('lz4'), decompress: async (buffer) => lz4Decompress(buffer) });
}
