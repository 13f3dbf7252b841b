import type avro from 'avsc';
import { parseSchema } from '@stafett/contracts';
import { isTransient, PermanentError, StafettKafkaError } from './errors';
import type { ConsumedMessage, FailedMessage } from './kafka-client.port';
import type { SchemaRegistryPort } from './schema-registry.client';

/** Confluent wire format: magic byte 0, schema id (4 bytes, big endian), Avro binary. */
const MAGIC = 0;
const HEADER = 5;

/**
 * Encodes a value in the Confluent wire format: called as a function it returns a new buffer;
 * `into` writes it at `pos` of a caller's buffer and returns the position after it, or a negative
 * number when the buffer is too short (nothing usable written; grow it and call again).
 */
export type Encoder<T> = ((value: T) => Buffer) & { into(value: T, buffer: Buffer, pos: number): number };

/**
 * Avro serde in the Confluent wire format through a schema registry. Encoding registers the
 * writer schema under `<topic>-value` once (the registry enforces compatibility) and then runs
 * synchronously; decoding checks the magic byte, fetches the writer schema by id (cached) and
 * reads through a resolver into the reader's schema (cached per writer id and reader).
 */
export class AvroSerde {
  private readonly writers = new Map<number, Promise<avro.Type>>();
  private readonly resolvers = new WeakMap<avro.Type, Map<number, avro.Resolver>>();

  constructor(private readonly registry: SchemaRegistryPort) {}

  /** A synchronous encoder for `topic`'s values, after registering `type` under `<topic>-value`. */
  async encoderFor<T>(topic: string, type: avro.Type): Promise<Encoder<T>> {
    // exportAttrs keeps logicalType (and docs): without it a date would be registered as a bare int.
    const id = await this.registry.register(`${topic}-value`, JSON.stringify(type.schema({ exportAttrs: true })));
    const header = Buffer.alloc(HEADER);
    header.writeUInt8(MAGIC, 0);
    header.writeUInt32BE(id, 1);
    const encode = (value: T) => {
      const body = type.toBuffer(value);
      const out = Buffer.allocUnsafe(HEADER + body.length);
      header.copy(out, 0);
      body.copy(out, HEADER);
      return out;
    };
    return Object.assign(encode, {
      into(value: T, buffer: Buffer, pos: number): number {
        if (buffer.length - pos < HEADER) return -1;
        header.copy(buffer, pos);
        const end = type.encode(value, buffer, pos + HEADER);
        return end < pos + HEADER ? -1 : end;
      },
    });
  }

  /** The schema id a message was written with (throws a permanent error on a foreign format). */
  static schemaIdOf(buffer: Buffer): number {
    if (buffer.length < HEADER || buffer.readUInt8(0) !== MAGIC) {
      throw new PermanentError('BAD_MAGIC_BYTE', `not in the Confluent wire format (first byte ${buffer.length ? buffer.readUInt8(0) : 'missing'})`);
    }
    return buffer.readUInt32BE(1);
  }

  /** Decodes a value into `reader`'s shape. Permanent errors for bad input; transient when the registry is away. */
  async decode<T>(buffer: Buffer, reader: avro.Type): Promise<T> {
    const id = AvroSerde.schemaIdOf(buffer);
    // A writer schema seen before needs no registry lookup.
    const resolver = this.resolvers.get(reader)?.get(id) ?? (await this.resolverFor(id, reader));
    return this.read<T>(buffer, reader, resolver, id);
  }

  private read<T>(buffer: Buffer, reader: avro.Type, resolver: avro.Resolver, id: number): T {
    try {
      return reader.fromBuffer(buffer.subarray(HEADER), resolver, true) as T;
    } catch (e) {
      throw new PermanentError('UNDECODABLE', `value written with schema ${id} cannot be decoded: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Decodes a consumed batch: values that cannot be decoded come back as `failed` (for the DLQ),
   * a transient error (registry away) is thrown so the whole batch is retried.
   */
  async decodeBatch<T>(messages: readonly ConsumedMessage[], reader: avro.Type): Promise<{ decoded: { message: ConsumedMessage; value: T }[]; failed: FailedMessage[] }> {
    const decoded: { message: ConsumedMessage; value: T }[] = [];
    const failed: FailedMessage[] = [];
    for (const message of messages) {
      if (message.value === null) {
        failed.push({ message, error: new PermanentError('NULL_VALUE', 'a value was expected, got a tombstone') });
        continue;
      }
      try {
        const resolver = this.resolvers.get(reader)?.get(AvroSerde.schemaIdOf(message.value));
        const value = resolver ? this.read<T>(message.value, reader, resolver, message.value.readUInt32BE(1)) : await this.decode<T>(message.value, reader);
        decoded.push({ message, value });
      } catch (error) {
        if (isTransient(error)) throw error;
        failed.push({ message, error });
      }
    }
    return { decoded, failed };
  }

  private async resolverFor(id: number, reader: avro.Type): Promise<avro.Resolver> {
    let byId = this.resolvers.get(reader);
    if (!byId) {
      byId = new Map();
      this.resolvers.set(reader, byId);
    }
    const cached = byId.get(id);
    if (cached) return cached;
    const writer = await this.writerType(id);
    let resolver: avro.Resolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (e) {
      throw new PermanentError('INCOMPATIBLE_WRITER_SCHEMA', `writer schema ${id} cannot be read as ${reader.name ?? reader.typeName}: ${(e as Error).message}`, { cause: e });
    }
    byId.set(id, resolver);
    return resolver;
  }

  private writerType(id: number): Promise<avro.Type> {
    let writer = this.writers.get(id);
    if (!writer) {
      writer = this.registry.schemaById(id).then((text) => {
        try {
          return parseSchema(JSON.parse(text));
        } catch (e) {
          throw new PermanentError('INVALID_WRITER_SCHEMA', `schema ${id} from the registry is not valid Avro: ${(e as Error).message}`, { cause: e });
        }
      });
      writer.catch((e: unknown) => {
        // Keep permanent answers (an unknown id stays unknown); forget transient ones.
        if (!(e instanceof StafettKafkaError) || e.retriable) this.writers.delete(id);
      });
      this.writers.set(id, writer);
    }
    return writer;
  }
}
