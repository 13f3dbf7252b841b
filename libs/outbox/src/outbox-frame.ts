import type { OutgoingMessage } from '@stafett/kafka';

/**
 * One outbox row holds every message of one change (the event, the state, the import result):
 * the relay fans them out. They are framed in one `bytea`, so a change costs one row and one index
 * entry instead of three.
 *
 * Layout (big endian): u8 version (1), u16 message count, then per message: u16 topic length,
 * topic (UTF-8), i32 key length (-1 = null), key, i32 value length (-1 = tombstone), value,
 * u16 header count, per header: u16 name length, name, i32 value length, value.
 */
const VERSION = 1;

export interface FramedMessage {
  readonly topic: string;
  readonly key: string | null;
  /** The exact Kafka value bytes; null = tombstone. */
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export function encodeFrame(messages: readonly FramedMessage[]): Buffer {
  if (messages.length > 0xffff) throw new RangeError(`an outbox row holds at most 65,535 messages, got ${messages.length}`);
  const parts: (Buffer | null)[] = [];
  let size = 3;
  for (const m of messages) {
    const topic = Buffer.from(m.topic, 'utf8');
    const key = m.key === null ? null : Buffer.from(m.key, 'utf8');
    parts.push(topic, key);
    size += 2 + topic.length + 4 + (key?.length ?? 0) + 4 + (m.value?.length ?? 0) + 2;
    for (const [name, value] of Object.entries(m.headers ?? {})) {
      const n = Buffer.from(name, 'utf8');
      const v = Buffer.from(value, 'utf8');
      parts.push(n, v);
      size += 2 + n.length + 4 + v.length;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(VERSION, 0);
  at = out.writeUInt16BE(messages.length, at);
  let p = 0;
  const bytes = (b: Buffer | null, lengthBytes: 2 | 4): void => {
    if (lengthBytes === 2) at = out.writeUInt16BE(b!.length, at);
    else at = out.writeInt32BE(b === null ? -1 : b.length, at);
    if (b) at += b.copy(out, at);
  };
  for (const m of messages) {
    bytes(parts[p++], 2);
    bytes(parts[p++], 4);
    bytes(m.value, 4);
    const headers = Object.keys(m.headers ?? {});
    at = out.writeUInt16BE(headers.length, at);
    for (let h = 0; h < headers.length; h++) {
      bytes(parts[p++], 2);
      bytes(parts[p++], 4);
    }
  }
  return out;
}

export function decodeFrame(frame: Buffer): OutgoingMessage[] {
  if (frame.length < 3 || frame.readUInt8(0) !== VERSION) throw new Error(`not an outbox frame of version ${VERSION}`);
  const count = frame.readUInt16BE(1);
  let at = 3;
  const read = (lengthBytes: 2 | 4): Buffer | null => {
    const length = lengthBytes === 2 ? frame.readUInt16BE(at) : frame.readInt32BE(at);
    at += lengthBytes;
    if (length < 0) return null;
    const b = frame.subarray(at, at + length);
    at += length;
    return b;
  };
  const out: OutgoingMessage[] = [];
  for (let i = 0; i < count; i++) {
    const topic = read(2)!.toString('utf8');
    const key = read(4);
    const value = read(4);
    const headerCount = frame.readUInt16BE(at);
    at += 2;
    const headers: Record<string, string> = {};
    for (let h = 0; h < headerCount; h++) {
      const name = read(2)!.toString('utf8');
      headers[name] = read(4)!.toString('utf8');
    }
    out.push({
      topic,
      key: key === null ? null : key.toString('utf8'),
      value,
      headers,
    });
  }
  if (at !== frame.length) throw new Error(`outbox frame has ${frame.length - at} trailing byte(s)`);
  return out;
}
