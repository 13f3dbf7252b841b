// Types of the two pure-JS decompressors the kafkajs adapter registers (neither ships its own).

declare module 'lz4js' {
  /** Decompresses one LZ4 block (`src[sIndex, sIndex + sLength)`) into `dst` from `dIndex`; returns the end index (past `dst.length` when it would not fit: those bytes are dropped). */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  /** An LZ4 frame of `src` (tests). */
  export function compress(src: Uint8Array): Uint8Array;
}

declare module 'snappyjs' {
  /** Decompresses one raw Snappy block (its length is its first varint). */
  export function uncompress(compressed: Uint8Array): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
