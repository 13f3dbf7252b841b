// Types of the two pure-JS decompressors the kafkajs adapter registers (neither ships its own).

declare module 'lz4js' {
  /** Decompresses an LZ4 frame into a buffer of at most `maxSize` bytes. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function compress(src: Uint8Array): Uint8Array;
}

declare module 'snappyjs' {
  /** Decompresses one raw Snappy block (its length is its first varint). */
  export function uncompress(compressed: Uint8Array): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
