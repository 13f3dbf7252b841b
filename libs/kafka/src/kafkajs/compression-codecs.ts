import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
// Before kafkajs loads: its producer binds the grouping function when its module loads.
import './partition-grouping';
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

const corrupt = (codec: string, why: string, cause?: unknown) =>
  new BatchDecompressionError(`a record batch compressed with ${codec} could not be decompressed: ${why}`, cause === undefined ? undefined : { cause });

const tooLarge = (codec: string, bytes: number) =>
  new BatchDecompressionError(`a record batch compressed with ${codec} would expand to ${bytes} bytes, more than the ${MAX_DECOMPRESSED_BATCH_BYTES} allowed`);

const gzip = promisify<zlib.InputType, Buffer>(zlib.gzip);
const gunzip = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.gunzip);
// zlib has zstd from Node 22.15 / 23.8 (the project runs on 24): without it, zstd stays unsupported.
const hasZstd = typeof zlib.zstdDecompress === 'function';
const zstdCompress = hasZstd ? promisify<zlib.InputType, Buffer>(zlib.zstdCompress) : undefined;
const zstdDecompress = hasZstd ? promisify<zlib.InputType, zlib.ZstdOptions, Buffer>(zlib.zstdDecompress) : undefined;

/** zlib's own limit, reported as ours. */
async function capped(codec: string, inflate: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await inflate();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(codec, MAX_DECOMPRESSED_BATCH_BYTES + 1);
    throw corrupt(codec, (e as Error).message, e);
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
  throw corrupt('snappy', 'its length is malformed');
}

/** snappy-java's stream framing ("xerial"), which the Java client writes: an 8-byte magic, two versions, then length-prefixed blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function snappyDecompress(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  if (data.length >= XERIAL_HEADER_BYTES && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    for (let at = XERIAL_HEADER_BYTES; at < data.length; ) {
      if (at + 4 > data.length) throw corrupt('snappy', 'a block length is cut off');
      const size = data.readUInt32BE(at);
      at += 4;
      if (at + size > data.length) throw corrupt('snappy', 'a block is cut off');
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
    throw corrupt('snappy', (e as Error).message, e);
  }
}

const corruptLz4 = (why: string) => corrupt('lz4', why);
const LZ4_MAGIC = 0x184d2204;
/** The frame descriptor's block maximum sizes (BD bits 4–6; values below 4 are reserved). */
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
const LZ4_FLAG = { version: 0xc0, blockChecksum: 0x10, contentSize: 0x08, dictionaryId: 0x01 } as const;

/**
 * An LZ4 frame (the format Kafka's clients write), read block by block with lz4js's block decoder:
 * each block is checked against the frame's block maximum and the total against
 * `MAX_DECOMPRESSED_BATCH_BYTES` before it is kept. lz4js's own frame reader is not used: it reads
 * a block checksum before the block instead of after it, skips no dictionary id, trusts the
 * declared content size, and cuts a block that expands too far silently short.
 */
function lz4Decompress(data: Buffer): Buffer {
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_MAGIC) throw corruptLz4('it is not an LZ4 frame');
  const flags = data[4];
  if ((flags & LZ4_FLAG.version) !== 0x40) throw corruptLz4(`its frame version is ${flags >> 6}, not 1`);
  const blockMax = LZ4_BLOCK_MAX[(data[5] >> 4) & 7];
  if (!blockMax) throw corruptLz4('its block size is invalid');
  const checksums = flags & LZ4_FLAG.blockChecksum ? 4 : 0;
  // Descriptor, content size and dictionary id if present (neither is needed), header checksum.
  let at = 6 + (flags & LZ4_FLAG.contentSize ? 8 : 0) + (flags & LZ4_FLAG.dictionaryId ? 4 : 0) + 1;
  const blocks: Buffer[] = [];
  let total = 0;
  for (;;) {
    if (at + 4 > data.length) throw corruptLz4('a block is cut off');
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) break; // end mark (a content checksum may follow)
    const size = word & 0x7fffffff;
    if (size > blockMax || at + size + checksums > data.length) throw corruptLz4('a block is cut off or larger than the frame allows');
    let block: Buffer;
    if (word & 0x80000000) block = data.subarray(at, at + size);
    else {
      const out = Buffer.allocUnsafe(blockMax);
      const end = lz4.decompressBlock(data, out, at, size, 0);
      if (end > blockMax) throw corruptLz4(`a block expands beyond the frame's ${blockMax}-byte blocks`);
      block = out.subarray(0, end);
    }
    total += block.length;
    if (total > MAX_DECOMPRESSED_BATCH_BYTES) throw tooLarge('lz4', total);
    blocks.push(block);
    at += size + checksums;
  }
  return Buffer.concat(blocks, total);
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
  if (zstdCompress && zstdDecompress) {
    codecs[CompressionTypes.ZSTD] = () => ({
      compress: (encoder) => zstdCompress(encoder.buffer),
      decompress: (buffer) => capped('zstd', () => zstdDecompress(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES })),
    });
  }
  codecs[CompressionTypes.Snappy] = () => ({ compress: readOnly('snappy'), decompress: async (buffer) => snappyDecompress(buffer) });
  codecs[CompressionTypes.LZ4] = () => ({ compress: readOnly('lz4'), decompress: async (buffer) => lz4Decompress(buffer) });
}
