import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { startSchemaRegistry, type RunningSchemaRegistry } from './start-schema-registry';

/**
 * Conformance with the Confluent Schema Registry REST API as its public documentation describes it
 * and as stock clients (Java serializers, Kafka Connect's AvroConverter, the JS client, UIs) rely
 * on it. Each test states one behaviour a client observes: status, error_code, body.
 */

const CONFLUENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** Writes need an admin key; these tests send it with every call (reads would pass without). */
const ADMIN_KEY = `stf_${uniqueId('conformance-admin')}`;

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, ...extraHeaders };
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': CONFLUENT_TYPE, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body: parsed };
}

/** A Confluent error as clients parse it. */
const confluentError = (status: number, errorCode: number) => ({
  status,
  body: { error_code: errorCode, message: expect.any(String) as string },
});

/** A record schema as a JS developer writes it by hand in an `.avsc`: full name, pretty-printed. */
const handWrittenMember = (namespace: string) =>
  JSON.stringify(
    {
      type: 'record',
      name: `${namespace}.Member`,
      doc: 'A club member',
      fields: [
        { type: 'string', name: 'id' },
        { name: 'born', type: { type: 'int', logicalType: 'date' } },
        { name: 'nickname', type: ['null', { type: 'string' }], default: null },
      ],
    },
    null,
    2,
  );

/** The same schema as Java's Schema#toString() writes it: what a Java client sends. */
const javaCanonicalMember = (namespace: string) =>
  `{"type":"record","name":"Member","namespace":"${namespace}","doc":"A club member","fields":[` +
  '{"name":"id","type":"string"},' +
  '{"name":"born","type":{"type":"int","logicalType":"date"}},' +
  '{"name":"nickname","type":["null","string"],"default":null}]}';

const record = (name: string, fields: object[] = []) =>
  JSON.stringify({ type: 'record', name, fields: [{ name: 'id', type: 'string' }, ...fields] });

describe('SchemaRegistry conformance with Confluent', () => {
  let registry: RunningSchemaRegistry;
  let url: string;
  const s = (subject: string) => encodeURIComponent(subject);
  const register = async (subject: string, schema: string, query = ''): Promise<number> => {
    const res = await call(url, 'POST', `/subjects/${s(subject)}/versions${query}`, { schema });
    expect(res.status).toBe(200);
    return (res.body as { id: number }).id;
  };

  beforeAll(async () => {
    registry = await startSchemaRegistry({ databaseUrl: testDatabaseUrl(), adminKeys: [ADMIN_KEY] });
    url = registry.url;
  });

  afterAll(async () => {
    await registry.close();
  });

  describe('schema identity', () => {
    it('should find a schema the JS client registered by the canonical string a Java client sends, and decode its records from the wire format', async () => {
      const subject = uniqueId('member-value');
      const namespace = `se.stafett.conformance.${uniqueId('ns').replace(/-/g, '_')}`;
      const client = new SchemaRegistry({ host: url, auth: { username: 'conformance', password: ADMIN_KEY } });
      const { id } = await client.register({ type: SchemaType.AVRO, schema: handWrittenMember(namespace) }, { subject });

      const javaLookup = await call(url, 'POST', `/subjects/${s(subject)}?normalize=false`, {
        schema: javaCanonicalMember(namespace),
      });
      expect(javaLookup).toMatchObject({ status: 200, body: { subject, id, version: 1 } });

      const encoded = await client.encode(id, { id: 'm-1', born: 12_000, nickname: 'Sigge' });
      // A consumer of the Confluent wire format: magic byte 0, 4-byte schema id, Avro binary.
      expect(encoded.readUInt8(0)).toBe(0);
      const writerId = encoded.readInt32BE(1);
      const writer = await call(url, 'GET', `/schemas/ids/${writerId}`);
      const type = Type.forSchema(
        JSON.parse((writer.body as { schema: string }).schema) as Parameters<typeof Type.forSchema>[0],
        {
          wrapUnions: true,
        },
      );
      expect(type.fromBuffer(encoded.subarray(5))).toMatchObject({ id: 'm-1', born: 12_000, nickname: { string: 'Sigge' } });
    });

    it('should give "int" and {"type":"int"} one id and one version', async () => {
      const subject = uniqueId('int-key');
      const first = await register(subject, '{"type":"int"}');
      const second = await register(subject, '"int"');
      expect(second).toBe(first);
      expect((await call(url, 'GET', `/subjects/${s(subject)}/versions`)).body).toEqual([1]);
    });

    it('should find a record registered under its full name by the namespace spelling', async () => {
      const subject = uniqueId('full-name-value');
      const namespace = `a.b.${uniqueId('c').replace(/-/g, '_')}`;
      const id = await register(subject, record(`${namespace}.R`));
      const lookup = await call(url, 'POST', `/subjects/${s(subject)}`, {
        schema: `{"type":"record","name":"R","namespace":"${namespace}","fields":[{"name":"id","type":"string"}]}`,
      });
      expect(lookup).toMatchObject({ status: 200, body: { id, version: 1 } });
    });

    it('should answer the canonical form as the text of a schema id', async () => {
      const namespace = `x.${uniqueId('y').replace(/-/g, '_')}`;
      const id = await register(uniqueId('canonical-value'), handWrittenMember(namespace));
      expect((await call(url, 'GET', `/schemas/ids/${id}`)).body).toEqual({ schema: javaCanonicalMember(namespace) });
    });

    it('should give a timestamp-millis long another id than a plain long', async () => {
      const plain = await register(uniqueId('long-value'), '"long"');
      const timestamp = await register(uniqueId('ts-value'), '{"type":"long","logicalType":"timestamp-millis"}');
      expect(timestamp).not.toBe(plain);
    });

    it('should identify schemas registered with normalize=true by the normalised form, whatever the property order', async () => {
      const subject = uniqueId('normalized-value');
      const tag = uniqueId('tag');
      const id = await register(subject, `{"type":"string","x-a":"${tag}","x-b":1}`, '?normalize=true');
      const lookup = await call(url, 'POST', `/subjects/${s(subject)}?normalize=true`, {
        schema: `{"x-b":1,"type":"string","x-a":"${tag}"}`,
      });
      expect(lookup).toMatchObject({ status: 200, body: { id, version: 1 } });
    });
  });

  describe('soft-deleted versions (deleted=true)', () => {
    /** A subject with versions 1 (soft-deleted) and 2 (live), under compatibility NONE. */
    async function subjectWithDeletedVersion(): Promise<{ subject: string; deletedId: number }> {
      const subject = uniqueId('connect-value');
      await call(url, 'PUT', `/config/${s(subject)}`, { compatibility: 'NONE' });
      const deletedId = await register(subject, record('Old', [{ name: subject.replace(/-/g, '_'), type: 'int' }]));
      await register(subject, record('New', [{ name: subject.replace(/-/g, '_'), type: 'long' }]));
      expect((await call(url, 'DELETE', `/subjects/${s(subject)}/versions/1`)).status).toBe(200);
      return { subject, deletedId };
    }

    it('should find a soft-deleted version with POST /subjects/:subject?deleted=true, as Kafka Connect asks', async () => {
      const { subject, deletedId } = await subjectWithDeletedVersion();
      const schema = record('Old', [{ name: subject.replace(/-/g, '_'), type: 'int' }]);
      expect(await call(url, 'POST', `/subjects/${s(subject)}?deleted=true`, { schema })).toMatchObject({
        status: 200,
        body: { subject, id: deletedId, version: 1 },
      });
    });

    it('should not find a soft-deleted version without deleted=true (40403)', async () => {
      const { subject } = await subjectWithDeletedVersion();
      const schema = record('Old', [{ name: subject.replace(/-/g, '_'), type: 'int' }]);
      expect(await call(url, 'POST', `/subjects/${s(subject)}`, { schema })).toMatchObject(confluentError(404, 40403));
    });

    it('should answer a soft-deleted version and its schema with deleted=true', async () => {
      const { subject, deletedId } = await subjectWithDeletedVersion();
      expect(await call(url, 'GET', `/subjects/${s(subject)}/versions/1`)).toMatchObject(confluentError(404, 40402));
      expect(await call(url, 'GET', `/subjects/${s(subject)}/versions/1?deleted=true`)).toMatchObject({
        status: 200,
        body: { subject, id: deletedId, version: 1 },
      });
      const raw = await call(url, 'GET', `/subjects/${s(subject)}/versions/1/schema?deleted=true`);
      expect(raw).toMatchObject({ status: 200, body: { type: 'record', name: 'Old' } });
    });

    it('should list versions with deleted=true and only the deleted ones with deletedOnly=true', async () => {
      const { subject } = await subjectWithDeletedVersion();
      expect((await call(url, 'GET', `/subjects/${s(subject)}/versions`)).body).toEqual([2]);
      expect((await call(url, 'GET', `/subjects/${s(subject)}/versions?deleted=true`)).body).toEqual([1, 2]);
      expect((await call(url, 'GET', `/subjects/${s(subject)}/versions?deletedOnly=true`)).body).toEqual([1]);
    });

    it('should list a soft-deleted subject with GET /subjects?deleted=true and deletedOnly=true only', async () => {
      const subject = uniqueId('gone-value');
      await register(subject, record('Gone', [{ name: subject.replace(/-/g, '_'), type: 'int' }]));
      await call(url, 'DELETE', `/subjects/${s(subject)}`);
      const prefix = `?subjectPrefix=${s(subject)}`;
      expect((await call(url, 'GET', `/subjects${prefix}`)).body).toEqual([]);
      expect((await call(url, 'GET', `/subjects${prefix}&deleted=true`)).body).toEqual([subject]);
      expect((await call(url, 'GET', `/subjects${prefix}&deletedOnly=true`)).body).toEqual([subject]);
    });

    it('should list the subjects and versions of a schema id with deleted=true', async () => {
      const { subject, deletedId } = await subjectWithDeletedVersion();
      expect((await call(url, 'GET', `/schemas/ids/${deletedId}/subjects`)).body).toEqual([]);
      expect((await call(url, 'GET', `/schemas/ids/${deletedId}/subjects?deleted=true`)).body).toEqual([subject]);
      expect((await call(url, 'GET', `/schemas/ids/${deletedId}/versions?deleted=true`)).body).toEqual([{ subject, version: 1 }]);
    });

    it('should fail the deleted=true lookup with 40401 once the subject is deleted permanently', async () => {
      const subject = uniqueId('hard-value');
      const schema = record('Hard', [{ name: subject.replace(/-/g, '_'), type: 'int' }]);
      await register(subject, schema);
      await call(url, 'DELETE', `/subjects/${s(subject)}`);
      expect((await call(url, 'POST', `/subjects/${s(subject)}?deleted=true`, { schema })).status).toBe(200);

      expect(await call(url, 'DELETE', `/subjects/${s(subject)}?permanent=true`)).toMatchObject({ status: 200, body: [1] });
      expect(await call(url, 'POST', `/subjects/${s(subject)}?deleted=true`, { schema })).toMatchObject(
        confluentError(404, 40401),
      );
    });

    it('should fail the deleted=true lookup with 40403 once that version alone is deleted permanently', async () => {
      const { subject } = await subjectWithDeletedVersion();
      const schema = record('Old', [{ name: subject.replace(/-/g, '_'), type: 'int' }]);
      expect((await call(url, 'DELETE', `/subjects/${s(subject)}/versions/1?permanent=true`)).body).toBe(1);
      expect(await call(url, 'POST', `/subjects/${s(subject)}?deleted=true`, { schema })).toMatchObject(
        confluentError(404, 40403),
      );
    });

    it('should answer 40403 for a schema id that no version uses after a permanent delete', async () => {
      const { subject, deletedId } = await subjectWithDeletedVersion();
      await call(url, 'DELETE', `/subjects/${s(subject)}/versions/1?permanent=true`);
      expect(await call(url, 'GET', `/schemas/ids/${deletedId}`)).toMatchObject(confluentError(404, 40403));
    });
  });

  describe('error codes', () => {
    it('should answer a schema id that is not a number with a plain 404', async () => {
      expect(await call(url, 'GET', '/schemas/ids/invalid')).toEqual({
        status: 404,
        contentType: `${CONFLUENT_TYPE}; charset=utf-8`,
        body: { error_code: 404, message: 'HTTP 404 Not Found' },
      });
    });

    it('should refuse a subject name with a control character with 42208', async () => {
      const res = await call(url, 'POST', `/subjects/${s(`bad\u0001${uniqueId('subject')}`)}/versions`, { schema: '"int"' });
      expect(res).toMatchObject(confluentError(422, 42208));
    });

    it('should answer 40402 for a compatibility check against a version of a subject with no live versions', async () => {
      const subject = uniqueId('compat-value');
      await register(subject, '"string"');
      await call(url, 'DELETE', `/subjects/${s(subject)}`);
      const res = await call(url, 'POST', `/compatibility/subjects/${s(subject)}/versions/1`, { schema: '"string"' });
      expect(res).toMatchObject(confluentError(404, 40402));
    });

    it('should answer an invalid schema with verbose=true as incompatible, with the reason', async () => {
      const subject = uniqueId('verbose-value');
      const res = await call(url, 'POST', `/compatibility/subjects/${s(subject)}/versions?verbose=true`, {
        schema: '{"type":"nope"}',
      });
      expect(res).toEqual({
        status: 200,
        contentType: `${CONFLUENT_TYPE}; charset=utf-8`,
        body: { is_compatible: false, messages: [expect.stringContaining('nope')] },
      });
    });

    it('should answer an unknown route in Confluent shape', async () => {
      expect(await call(url, 'GET', '/nothing/here')).toMatchObject(confluentError(404, 404));
    });
  });

  describe('endpoints tools use', () => {
    it('should answer GET / with an empty object', async () => {
      expect(await call(url, 'GET', '/')).toEqual({ status: 200, contentType: `${CONFLUENT_TYPE}; charset=utf-8`, body: {} });
    });

    it('should list AVRO as the only schema type', async () => {
      expect(await call(url, 'GET', '/schemas/types')).toMatchObject({ status: 200, body: ['AVRO'] });
    });

    it('should list the subjects of a schema id', async () => {
      const a = uniqueId('shared-a-value');
      const b = uniqueId('shared-b-value');
      const schema = record('Shared', [{ name: a.replace(/-/g, '_'), type: 'int' }]);
      const id = await register(a, schema);
      await register(b, schema);
      expect(await call(url, 'GET', `/schemas/ids/${id}/subjects`)).toMatchObject({ status: 200, body: [a, b].sort() });
    });

    it('should list the subject versions of a schema id', async () => {
      const subject = uniqueId('versions-value');
      const id = await register(subject, record('Versions', [{ name: subject.replace(/-/g, '_'), type: 'int' }]));
      expect(await call(url, 'GET', `/schemas/ids/${id}/versions`)).toMatchObject({
        status: 200,
        body: [{ subject, version: 1 }],
      });
    });

    it('should answer 40403 for the subjects of an unknown schema id', async () => {
      expect(await call(url, 'GET', '/schemas/ids/2000000002/subjects')).toMatchObject(confluentError(404, 40403));
    });

    it('should answer GET /mode with READWRITE', async () => {
      expect(await call(url, 'GET', '/mode')).toMatchObject({ status: 200, body: { mode: 'READWRITE' } });
    });

    it('should answer a subject mode with 40409, or the global one with defaultToGlobal=true', async () => {
      const subject = s(uniqueId('mode-value'));
      expect(await call(url, 'GET', `/mode/${subject}`)).toMatchObject(confluentError(404, 40409));
      expect(await call(url, 'GET', `/mode/${subject}?defaultToGlobal=true`)).toMatchObject({
        status: 200,
        body: { mode: 'READWRITE' },
      });
    });

    it('should refuse to leave READWRITE with 42205', async () => {
      expect(await call(url, 'PUT', '/mode', { mode: 'READONLY' })).toMatchObject(confluentError(422, 42205));
    });

    it('should list the schemas of subjects with a prefix, latest only on request', async () => {
      const subject = uniqueId('listed-value');
      await call(url, 'PUT', `/config/${s(subject)}`, { compatibility: 'NONE' });
      const v1 = await register(subject, '"int"');
      const v2 = await register(subject, '"long"');
      expect((await call(url, 'GET', `/schemas?subjectPrefix=${s(subject)}`)).body).toEqual([
        { subject, version: 1, id: v1, schema: '"int"' },
        { subject, version: 2, id: v2, schema: '"long"' },
      ]);
      expect((await call(url, 'GET', `/schemas?subjectPrefix=${s(subject)}&latestOnly=true`)).body).toEqual([
        { subject, version: 2, id: v2, schema: '"long"' },
      ]);
    });

    it('should read a body sent as application/octet-stream like JSON', async () => {
      const res = await call(
        url,
        'POST',
        `/subjects/${s(uniqueId('octet-value'))}/versions`,
        { schema: '"int"' },
        {
          'content-type': 'application/octet-stream',
        },
      );
      expect(res).toMatchObject({ status: 200, body: { id: expect.any(Number) as number } });
    });

    it('should answer in application/json when the client accepts only that', async () => {
      const res = await call(url, 'GET', '/config', undefined, { accept: 'application/json' });
      expect(res).toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8' });
    });

    it('should answer 406 when the client accepts none of the registry media types', async () => {
      expect(await call(url, 'GET', '/subjects', undefined, { accept: 'text/html' })).toMatchObject(confluentError(406, 406));
    });
  });
});
