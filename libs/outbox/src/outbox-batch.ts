import { encodeFrame, type FramedMessage } from './outbox-frame';

/** Writes a message value at `pos` of `buffer`; returns the position after it, or a negative number if it does not fit. */
export type ValueWriter = (buffer: Buffer, pos: number) => number;

const FRAME_VERSION = 1;

/**
 * The outbox rows of one transaction, framed straight into one buffer (the layout of
 * outbox-frame.ts): no intermediate buffer per message, value or header, so the import path
 * allocates almost nothing per record. `appendToOutbox` sends the frames by binary COPY (64 rows or
 * more) or as one binary parameter.
 */
export class OutboxBatch {
  readonly aggregateIds: string[] = [];
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];
  private buffer: Buffer;
  private pos = 0;
  private entryStart = -1;
  private countAt = 0;
  private count = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get size(): number {
    return this.aggregateIds.length;
  }

  /** The frames, back to back (a view, valid until the batch is written to again). */
  get bytes(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }

  /** Starts the row of one change. */
  begin(aggregateId: string): this {
    if (this.entryStart >= 0) throw new Error('an outbox row is already open');
    this.entryStart = this.pos;
    this.ensure(3);
    this.pos = this.buffer.writeUInt8(FRAME_VERSION, this.pos);
    this.countAt = this.pos;
    this.pos += 2;
    this.count = 0;
    this.aggregateIds.push(aggregateId);
    return this;
  }

  /** Adds a message to the open row; `value` null is a tombstone. */
  message(topic: string, key: string | null, value: ValueWriter | Buffer | null, headers?: Readonly<Record<string, string>>): this {
    if (this.entryStart < 0) throw new Error('no outbox row is open');
    if (++this.count > 0xffff) throw new RangeError('an outbox row holds at most 65,535 messages');
    this.string(topic, 2);
    if (key === null) this.int32(-1);
    else this.string(key, 4);
    if (value === null) this.int32(-1);
    else if (Buffer.isBuffer(value)) {
      this.ensure(4 + value.length);
      this.pos = this.buffer.writeInt32BE(value.length, this.pos);
      this.pos += value.copy(this.buffer, this.pos);
    } else {
      const lengthAt = this.pos;
      for (;;) {
        this.ensure(4 + 256);
        const end = value(this.buffer, lengthAt + 4);
        if (end >= 0) {
          this.buffer.writeInt32BE(end - lengthAt - 4, lengthAt);
          this.pos = end;
          break;
        }
        if (this.buffer.length >= 1 << 30) throw new RangeError('an outbox message value does not fit in 1 GiB');
        this.grow(this.buffer.length * 2);
      }
    }
    const names = headers ? Object.keys(headers) : [];
    this.ensure(2);
    this.pos = this.buffer.writeUInt16BE(names.length, this.pos);
    for (const name of names) {
      this.string(name, 2);
      this.string(headers![name], 4);
    }
    return this;
  }

  /** Closes the open row. */
  end(): void {
    if (this.entryStart < 0) throw new Error('no outbox row is open');
    this.buffer.writeUInt16BE(this.count, this.countAt);
    this.offsets.push(this.entryStart + 1); // substring() counts from 1
    this.lengths.push(this.pos - this.entryStart);
    this.entryStart = -1;
  }

  /** Adds a whole row of ready messages. */
  add(aggregateId: string, messages: readonly FramedMessage[]): void {
    const frame = encodeFrame(messages);
    this.ensure(frame.length);
    this.aggregateIds.push(aggregateId);
    this.offsets.push(this.pos + 1);
    this.lengths.push(frame.length);
    this.pos += frame.copy(this.buffer, this.pos);
  }

  private string(s: string, lengthBytes: 2 | 4): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(lengthBytes + n);
    this.pos = lengthBytes === 2 ? this.buffer.writeUInt16BE(n, this.pos) : this.buffer.writeInt32BE(n, this.pos);
    this.pos += this.buffer.write(s, this.pos, n, 'utf8');
  }

  private int32(n: number): void {
    this.ensure(4);
    this.pos = this.buffer.writeInt32BE(n, this.pos);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes > this.buffer.length) this.grow(Math.max(this.buffer.length * 2, this.pos + bytes));
  }

  private grow(size: number): void {
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.pos);
    this.buffer = next;
  }
}
