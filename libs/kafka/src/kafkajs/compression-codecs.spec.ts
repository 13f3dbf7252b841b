import * as zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';
import { BatchDecompressionError, installCompressionCodecs, MAX_DECOMPRESSED_BATCH_BYTES } from './compression-codecs';

installCompressionCodecs();
const codec = (type: CompressionTypes) =>
  (CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>)[type]();
const decompress = (type: CompressionTypes, data: Buffer) => codec(type).decompress(data);

const text = Buffer.from('Stafett '.repeat(20_000)); // 160 kB: several LZ4 blocks, several xerial chunks

/** snappy-java's stream framing as the Java client writes it: magic, versions 1/1, 32 KiB chunks. */
function xerial(data: Buffer): Buffer {
  const parts = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < data.length; at += 32 * 1024) {
    const block = Buffer.from(snappy.compress(data.subarray(at, at + 32 * 1024)));
    const size = Buffer.alloc(4);
    size.writeUInt32BE(block.length);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}

/** lz4js's frame of `data` (no content size, no checksums), rewritten with the optional fields other writers may set. */
function lz4Frame(data: Buffer, options: { contentSize?: boolean; blockChecksums?: boolean; dictionaryId?: boolean } = {}): Buffer {
  const plain = Buffer.from(lz4.compress(data));
  const flags = plain[4] | (options.contentSize ? 0x08 : 0) | (options.blockChecksums ? 0x10 : 0) | (options.dictionaryId ? 0x01 : 0);
  const parts = [plain.subarray(0, 4), Buffer.from([flags, plain[5]])];
  if (options.contentSize) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(data.length));
    parts.push(size);
  }
  if (options.dictionaryId) parts.push(Buffer.from([1, 2, 3, 4]));
  parts.push(plain.subarray(6, 7)); // header checksum (not checked by readers here)
  for (let at = 7; ; ) {
    const word = plain.readUInt32LE(at);
    const size = word & 0x7fffffff;
    parts.push(plain.subarray(at, at + 4 + size));
    at += 4 + size;
    if (word === 0) break;
    if (options.blockChecksums) parts.push(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  }
  return Buffer.concat(parts);
}

describe('compression codecs for record batches other clients compressed', () => {
  it('should decompress gzip, zstd, raw and framed snappy, and lz4 frames', async () => {
    expect(await decompress(CompressionTypes.GZIP, zlib.gzipSync(text))).toEqual(text);
    expect(await decompress(CompressionTypes.ZSTD, zlib.zstdCompressSync(text))).toEqual(text);
    expect(await decompress(CompressionTypes.Snappy, Buffer.from(snappy.compress(text)))).toEqual(text);
    expect(await decompress(CompressionTypes.Snappy, xerial(text))).toEqual(text);
    expect(await decompress(CompressionTypes.LZ4, Buffer.from(lz4.compress(text)))).toEqual(text);
  });

  it('should read lz4 frames with a content size, block checksums or a dictionary id, as other writers may set them', async () => {
    for (const options of [{ contentSize: true }, { blockChecksums: true }, { dictionaryId: true }, { contentSize: true, blockChecksums: true, dictionaryId: true }]) {
      expect(await decompress(CompressionTypes.LZ4, lz4Frame(text, options))).toEqual(text);
    }
  });

  it('should write gzip and zstd that zlib reads, and refuse to write snappy and lz4', async () => {
    expect(zlib.gunzipSync(await codec(CompressionTypes.GZIP).compress({ buffer: text }))).toEqual(text);
    expect(zlib.zstdDecompressSync(await codec(CompressionTypes.ZSTD).compress({ buffer: text }))).toEqual(text);
    await expect(codec(CompressionTypes.Snappy).compress({ buffer: text })).rejects.toThrow('Stafett reads snappy-compressed record batches but does not write them');
    await expect(codec(CompressionTypes.LZ4).compress({ buffer: text })).rejects.toThrow('does not write them');
  });

  describe('a batch that would expand beyond the limit (a decompression bomb) fails before it fills the memory', () => {
    const zeros = Buffer.alloc(MAX_DECOMPRESSED_BATCH_BYTES + 1024);

    it.each([
      ['gzip', CompressionTypes.GZIP, () => zlib.gzipSync(zeros)],
      ['zstd', CompressionTypes.ZSTD, () => zlib.zstdCompressSync(zeros)],
    ] as const)('%s', async (name, type, bomb) => {
      await expect(decompress(type, bomb())).rejects.toThrow(new RegExp(`^a record batch compressed with ${name} would expand to \\d+ bytes, more than the ${MAX_DECOMPRESSED_BATCH_BYTES} allowed$`));
    });

    it('snappy: a block claiming 1 GiB is refused on its length, framed or not', async () => {
      const claim = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]); // varint 2^30, then nothing
      await expect(decompress(CompressionTypes.Snappy, claim)).rejects.toThrow(/^a record batch compressed with snappy would expand to 1073741824 bytes/);
      const framed = Buffer.concat([xerial(Buffer.alloc(0)), Buffer.from([0, 0, 0, claim.length]), claim]);
      await expect(decompress(CompressionTypes.Snappy, framed)).rejects.toThrow(/would expand to 1073741824 bytes/);
    });

    it('lz4: refused once the blocks decoded so far pass the limit', async () => {
      await expect(decompress(CompressionTypes.LZ4, Buffer.from(lz4.compress(zeros)))).rejects.toThrow(/^a record batch compressed with lz4 would expand to \d+ bytes, more than the/);
    });
  });

  it('should report a corrupt batch as such, for each codec', async () => {
    const junk = Buffer.from('this is not compressed at all');
    const cases: [CompressionTypes, Buffer][] = [
      [CompressionTypes.GZIP, junk],
      [CompressionTypes.ZSTD, junk],
      [CompressionTypes.Snappy, Buffer.from([0x0a, 0xff, 0xff])], // 10 bytes promised, then a copy from before the start
      [CompressionTypes.LZ4, junk],
      [CompressionTypes.LZ4, Buffer.from(lz4.compress(text)).subarray(0, 40)], // cut off
      [CompressionTypes.LZ4, Buffer.concat([lz4Frame(text).subarray(0, 5), Buffer.from([0x40]), lz4Frame(text).subarray(6)])], // a 160 kB block in a frame of 64 KiB blocks
    ];
    for (const [type, data] of cases) {
      const error = await decompress(type, data).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BatchDecompressionError);
      expect((error as Error).message).toMatch(/^a record batch compressed with (gzip|zstd|snappy|lz4) could not be decompressed: /);
    }
  });
});
