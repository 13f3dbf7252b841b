import { parseSchema } from '@stafett/contracts';
import { AvroSerde } from './avro-serde';
import { isTransient, PermanentError, TransientError } from './errors';
import type { SchemaRegistryPort } from './schema-registry.client';

/** An in-memory registry: ids in registration order. */
class FakeRegistry implements SchemaRegistryPort {
  readonly schemas: string[] = [];
  down = false;

  async register(_subject: string, schema: string): Promise<number> {
    if (this.down) throw new TransientError('REGISTRY_UNREACHABLE', 'down');
    const at = this.schemas.indexOf(schema);
    if (at >= 0) return at + 1;
    this.schemas.push(schema);
    return this.schemas.length;
  }

  async schemaById(id: number): Promise<string> {
    if (this.down) throw new TransientError('REGISTRY_UNREACHABLE', 'down');
    const s = this.schemas[id - 1];
    if (!s) throw new PermanentError('UNKNOWN_SCHEMA', `no schema ${id}`);
    return s;
  }
}

const v1 = parseSchema({ type: 'record', name: 'Thing', fields: [{ name: 'name', type: 'string' }] });
const v2 = parseSchema({ type: 'record', name: 'Thing', fields: [{ name: 'name', type: 'string' }, { name: 'size', type: 'int', default: 7 }] });
const other = parseSchema({ type: 'record', name: 'Thing', fields: [{ name: 'count', type: 'long' }] });

async function rejection(p: Promise<unknown>): Promise<{ code: string; retriable: boolean }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as PermanentError).code, retriable: isTransient(e) };
  }
  throw new Error('expected a rejection');
}

describe(AvroSerde.name, () => {
  it('should write the Confluent wire format: magic byte, schema id, Avro body', async () => {
    const registry = new FakeRegistry();
    const sut = new AvroSerde(registry);
    const bytes = (await sut.encoderFor<{ name: string }>('things', v1))({ name: 'a' });
    expect(bytes.readUInt8(0)).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(1);
    expect(bytes.subarray(5)).toEqual(v1.toBuffer({ name: 'a' }));
  });

  it('should decode an old writer with a new reader through a resolver', async () => {
    const sut = new AvroSerde(new FakeRegistry());
    const bytes = (await sut.encoderFor('things', v1))({ name: 'a' });
    expect(await sut.decode(bytes, v2)).toEqual({ name: 'a', size: 7 });
  });

  it('should reject bytes without the magic byte as permanent', async () => {
    const sut = new AvroSerde(new FakeRegistry());
    expect(await rejection(sut.decode(Buffer.from('{"json":true}'), v1))).toEqual({ code: 'BAD_MAGIC_BYTE', retriable: false });
  });

  it('should refuse to decode a writer schema the reader cannot resolve, instead of guessing', async () => {
    const sut = new AvroSerde(new FakeRegistry());
    const bytes = (await sut.encoderFor('things', other))({ count: 3 });
    expect(await rejection(sut.decode(bytes, v1))).toEqual({ code: 'INCOMPATIBLE_WRITER_SCHEMA', retriable: false });
  });

  it('should report an unreachable registry as transient, then recover', async () => {
    const registry = new FakeRegistry();
    const sut = new AvroSerde(registry);
    const bytes = (await new AvroSerde(registry).encoderFor('things', v1))({ name: 'b' });
    registry.down = true;
    expect(await rejection(sut.decode(bytes, v1))).toEqual({ code: 'REGISTRY_UNREACHABLE', retriable: true });
    registry.down = false;
    expect(await sut.decode(bytes, v1)).toEqual({ name: 'b' });
  });

  it('should reject a truncated body as permanent', async () => {
    const sut = new AvroSerde(new FakeRegistry());
    const bytes = (await sut.encoderFor('things', v1))({ name: 'a long enough name' });
    expect(await rejection(sut.decode(bytes.subarray(0, 8), v1))).toEqual({ code: 'UNDECODABLE', retriable: false });
  });
});
