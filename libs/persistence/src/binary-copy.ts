/** Bytes per buffer of COPY binary data (each becomes one CopyData message). */
const CHUNK_BYTES = 32 * 1024;

/** The binary COPY file header: the signature, the flags field and the header extension length. */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/** 2000-01-01T00:00:00Z, Postgres's epoch for timestamps, in ms since 1970. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** The type oid of `uuid` (an array's element type in the binary array format). */
const UUID_OID = 2950;

const TWO_32 = 2 ** 32;

const NOT_A_UUID = 'a uuid column got a value that is not a uuid';

/** A nibble per ASCII code of a hex digit, -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[65 + c] = HEX[97 + c] = 10 + c;

/**
 * Rows in COPY's binary format (`COPY … FROM STDIN (FORMAT binary)`), written field by field into
 * buffers of ~32 KB for {@link copyRows}. Nothing is turned into text to be escaped in node and
 * parsed again by Postgres: a uuid goes as its 16 bytes, a timestamp as its microseconds, bytea as
 * it is. Each field is checked as it is written (a malformed uuid, an unsafe integer, an invalid
 * date throw), so a batch that cannot be encoded fails before anything is sent (a writer that threw
 * is not used again); the messages never hold the value. The fields of a row must match the COPY's
 * column list in number and type.
 *
 * ```ts
 * const rows = new BinaryCopyRows();
 * for (const x of batch) rows.row(3).uuid(x.id).int8(x.version).text(x.name);
 * await copyRows(tx, 'COPY t (id, version, name) FROM STDIN (FORMAT binary)', rows.end());
 * ```
 */
export class BinaryCopyRows {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos: number;
  private ended = false;

  constructor() {
    this.pos = HEADER.copy(this.buf, 0);
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): this {
    this.room(2);
    this.pos = this.buf.writeInt16BE(fields, this.pos);
    return this;
  }

  /** A NULL field. */
  null(): this {
    this.room(4);
    this.pos = this.buf.writeInt32BE(-1, this.pos);
    return this;
  }

  /** A `text` (or `varchar`) field: its UTF-8 bytes; null writes NULL. */
  text(value: string | null): this {
    if (value === null) return this.null();
    const length = Buffer.byteLength(value, 'utf8');
    this.room(4 + length);
    this.pos = this.buf.writeInt32BE(length, this.pos);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
    return this;
  }

  /** A `bytea` field: the bytes as they are (`start`/`end` pick a slice without copying it first); null writes NULL. */
  bytea(value: Buffer | null, start = 0, end = value?.length ?? 0): this {
    if (value === null) return this.null();
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= value.length)) {
      throw new RangeError('a bytea column got a slice outside its buffer');
    }
    const length = end - start;
    this.room(4 + length);
    this.pos = this.buf.writeInt32BE(length, this.pos);
    this.pos += value.copy(this.buf, this.pos, start, end);
    return this;
  }

  /** An `int8` (bigint) field from a safe integer. */
  int8(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError('an int8 column got a value that is not a safe integer');
    return this.eightBytes(value);
  }

  /** A `timestamptz` field: microseconds since 2000-01-01 UTC (a Date holds milliseconds). */
  timestamptz(value: Date): this {
    const micros = (value.getTime() - PG_EPOCH_MS) * 1000;
    if (!Number.isSafeInteger(micros)) throw new RangeError('a timestamptz column got an invalid date');
    return this.eightBytes(micros);
  }

  /** A `uuid` field (hex digits with the four hyphens, either case). */
  uuid(value: string): this {
    this.room(20);
    this.pos = this.buf.writeInt32BE(16, this.pos);
    this.uuidBytes(value);
    return this;
  }

  /** A `uuid[]` field: a one-dimensional array (lower bound 1, no NULLs), or the empty array. */
  uuidArray(values: readonly string[]): this {
    const n = values.length;
    const header = n === 0 ? 12 : 20;
    this.room(4 + header + 20 * n);
    let pos = this.buf.writeInt32BE(header + 20 * n, this.pos);
    pos = this.buf.writeInt32BE(n === 0 ? 0 : 1, pos); // dimensions
    pos = this.buf.writeInt32BE(0, pos); // has NULLs
    pos = this.buf.writeInt32BE(UUID_OID, pos);
    if (n > 0) {
      pos = this.buf.writeInt32BE(n, pos);
      pos = this.buf.writeInt32BE(1, pos);
    }
    this.pos = pos;
    for (const v of values) {
      this.pos = this.buf.writeInt32BE(16, this.pos);
      this.uuidBytes(v);
    }
    return this;
  }

  /** Writes the trailer and returns the buffers to send, in order. Nothing can be written after. */
  end(): Buffer[] {
    if (this.ended) throw new Error('BinaryCopyRows.end() was called twice');
    this.room(2);
    this.pos = this.buf.writeInt16BE(-1, this.pos);
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.ended = true;
    return this.chunks;
  }

  /** Makes room for `bytes` more bytes: the current buffer goes out when they would not fit. */
  private room(bytes: number): void {
    if (this.ended) throw new Error('BinaryCopyRows: a field was written after end()');
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** An 8-byte field (int8, timestamptz) holding a safe integer, big-endian. */
  private eightBytes(value: number): this {
    this.room(12);
    const hi = Math.floor(value / TWO_32);
    this.pos = this.buf.writeInt32BE(8, this.pos);
    this.pos = this.buf.writeInt32BE(hi, this.pos);
    this.pos = this.buf.writeUInt32BE(value - hi * TWO_32, this.pos);
    return this;
  }

  private uuidBytes(value: string): void {
    if (value.length !== 36) throw new TypeError(NOT_A_UUID);
    let pos = this.pos;
    let high = -1;
    for (let i = 0; i < 36; i++) {
      const c = value.charCodeAt(i);
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== 45) throw new TypeError(NOT_A_UUID);
        continue;
      }
      const nibble = c < 128 ? HEX[c] : -1;
      if (nibble < 0) throw new TypeError(NOT_A_UUID);
      if (high < 0) high = nibble;
      else {
        this.buf[pos++] = (high << 4) | nibble;
        high = -1;
      }
    }
    this.pos = pos;
  }
}
