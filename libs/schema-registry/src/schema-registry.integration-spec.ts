import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { startSchemaRegistry, type RunningSchemaRegistry } from './start-schema-registry';

const CONFLUENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** Writes need an admin key; these tests send it with every call (reads would pass without). */
const ADMIN_KEY = `stf_${uniqueId('registry-spec-admin')}`;
const AUTH = { username: 'registry-spec', password: ADMIN_KEY };
/** What every answer, success or error, carries. */
const ANSWER_TYPE = `${CONFLUENT_TYPE}; charset=utf-8`;

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

/** One HTTP call as a client sees it: status, content type and parsed body. */
async function call(url: string, method: string, path: string, body?: unknown, contentType = CONFLUENT_TYPE): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
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

const member = (fields: object[] = []) =>
  JSON.stringify({
    type: 'record',
    name: 'Member',
    namespace: 'se.stafett.test',
    fields: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }, ...fields],
  });
const v1 = member();
const v2 = member([{ name: 'nickname', type: ['null', 'string'], default: null }]);
const withRequiredAge = member([{ name: 'age', type: 'int' }]);
const path = (subject: string) => encodeURIComponent(subject);

describe('SchemaRegistry (standalone, official client)', () => {
  let registry: RunningSchemaRegistry;
  let client: SchemaRegistry;

  beforeAll(async () => {
    registry = await startSchemaRegistry({ databaseUrl: testDatabaseUrl(), adminKeys: [ADMIN_KEY] });
    client = new SchemaRegistry({ host: registry.url, auth: AUTH });
  });

  afterAll(async () => {
    await registry.close();
  });

  it('should listen on a free port of 127.0.0.1', () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('should register a schema, encode with its id and decode the same record', async () => {
    const subject = uniqueId('member-value');
    const { id } = await client.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    const record = { id: 'm-1', name: 'Astrid' };

    const encoded = await client.encode(id, record);
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await client.decode(encoded)).toEqual(record);
    // A fresh client has nothing cached: it fetches the schema by id from the registry.
    expect(await new SchemaRegistry({ host: registry.url, auth: AUTH }).decode(encoded)).toEqual(record);
    expect(await client.getLatestSchemaId(subject)).toBe(id);
  });

  it('should give the same id when a schema is registered again, without a new version', async () => {
    const subject = uniqueId('member-value');
    const first = await client.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    const reformatted = JSON.stringify(JSON.parse(v1), null, 2);
    const again = await new SchemaRegistry({ host: registry.url, auth: AUTH }).register(
      { type: SchemaType.AVRO, schema: reformatted },
      { subject },
    );

    expect(again.id).toBe(first.id);
    expect((await call(registry.url, 'GET', `/subjects/${path(subject)}/versions`)).body).toEqual([1]);
  });

  it('should reuse the global id when another subject registers the same schema', async () => {
    const a = uniqueId('a-value');
    const b = uniqueId('b-value');
    const schema = member([{ name: a.replace(/-/g, '_'), type: 'long', default: 0 }]);
    const first = await call(registry.url, 'POST', `/subjects/${path(a)}/versions`, { schema });
    const second = await call(registry.url, 'POST', `/subjects/${path(b)}/versions`, { schema });

    expect(first).toEqual({ status: 200, contentType: ANSWER_TYPE, body: { id: expect.any(Number) } });
    expect(second.body).toEqual(first.body);
    const ids = (first.body as { id: number }).id;
    expect((await call(registry.url, 'GET', `/schemas/ids/${ids}/versions`)).body).toEqual([
      { subject: a, version: 1 },
      { subject: b, version: 1 },
    ]);
  });

  it('should reject an incompatible schema with 409 and the Confluent error, through fetch and the client', async () => {
    const subject = uniqueId('member-value');
    await client.register({ type: SchemaType.AVRO, schema: v1 }, { subject });

    const res = await call(registry.url, 'POST', `/subjects/${path(subject)}/versions`, { schema: withRequiredAge });
    expect(res.status).toBe(409);
    expect(res.contentType).toBe(ANSWER_TYPE);
    expect(res.body).toEqual({
      error_code: 409,
      message:
        `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [` +
        'Incompatible with version 1 (BACKWARD): the new schema cannot read data written with version 1: ' +
        'no matching field for default-less se.stafett.test.Member.age]',
    });
    // (The client set the subject's level to its default BACKWARD at first registration.)
    await expect(client.register({ type: SchemaType.AVRO, schema: withRequiredAge }, { subject })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('is incompatible with an earlier schema'),
    });
    expect((await call(registry.url, 'GET', `/subjects/${path(subject)}/versions`)).body).toEqual([1]);
  });

  it('should register a backward-compatible evolution as version 2 and decode a v1 record with the v2 reader', async () => {
    const subject = uniqueId('member-value');
    const first = await client.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    const written = await client.encode(first.id, { id: 'm-2', name: 'Bertil' });

    const second = await client.register({ type: SchemaType.AVRO, schema: v2 }, { subject });
    expect(second.id).not.toBe(first.id);
    expect(await client.getLatestSchemaId(subject)).toBe(second.id);
    expect((await call(registry.url, 'GET', `/subjects/${path(subject)}/versions`)).body).toEqual([1, 2]);

    const reader = await client.getSchema(second.id);
    const decoded = await new SchemaRegistry({ host: registry.url, auth: AUTH }).decode(written, {
      [SchemaType.AVRO]: { readerSchema: reader },
    });
    expect(decoded).toEqual({ id: 'm-2', name: 'Bertil', nickname: null });
  });

  it('should answer the subject, version and schema endpoints like Confluent', async () => {
    const subject = uniqueId('member-value');
    const { id: id1 } = await client.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    const { id: id2 } = await client.register({ type: SchemaType.AVRO, schema: v2 }, { subject });
    const url = registry.url;
    const s = path(subject);

    const subjects = await call(url, 'GET', '/subjects');
    expect(subjects.status).toBe(200);
    expect(subjects.contentType).toBe(ANSWER_TYPE);
    expect(subjects.body).toEqual(expect.arrayContaining([subject]));
    expect(await call(url, 'GET', `/subjects/${s}/versions/latest`)).toMatchObject({
      status: 200,
      body: { subject, id: id2, version: 2, schema: v2 },
    });
    expect((await call(url, 'GET', `/subjects/${s}/versions/1`)).body).toEqual({ subject, id: id1, version: 1, schema: v1 });
    expect((await call(url, 'GET', `/subjects/${s}/versions/1/schema`)).body).toEqual(JSON.parse(v1));
    expect((await call(url, 'GET', `/schemas/ids/${id1}`)).body).toEqual({ schema: v1 });
    expect(await client.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: v1 })).toBe(id1);
    expect((await call(url, 'POST', `/subjects/${s}`, { schema: v2 })).body).toEqual({
      subject,
      id: id2,
      version: 2,
      schema: v2,
    });

    expect(await call(url, 'GET', `/subjects/${s}/versions/3`)).toMatchObject({
      status: 404,
      body: { error_code: 40402, message: 'Version 3 not found.' },
    });
    expect(await call(url, 'GET', `/subjects/${s}/versions/first`)).toMatchObject({ status: 422, body: { error_code: 42202 } });
    expect(await call(url, 'GET', `/subjects/${path(uniqueId('nobody'))}/versions`)).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    expect(await call(url, 'GET', '/schemas/ids/2000000000')).toEqual({
      status: 404,
      contentType: ANSWER_TYPE,
      body: { error_code: 40403, message: 'Schema 2000000000 not found' },
    });
    expect(await call(url, 'POST', `/subjects/${s}`, { schema: withRequiredAge })).toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema not found' },
    });
    expect(await call(url, 'POST', `/subjects/${path(uniqueId('nobody'))}`, { schema: v1 })).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });

  it('should accept the three JSON media types and refuse others with 415', async () => {
    const subject = path(uniqueId('media-value'));
    for (const type of [
      'application/vnd.schemaregistry.v1+json',
      'application/vnd.schemaregistry+json',
      'application/json; charset=utf-8',
    ]) {
      const res = await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: v1 }, type);
      expect(res).toEqual({ status: 200, contentType: ANSWER_TYPE, body: { id: expect.any(Number) } });
    }
    const text = await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: v1 }, 'text/plain');
    expect(text).toMatchObject({ status: 415, body: { error_code: 415 } });
  });

  it('should reject invalid Avro, other schema types and malformed bodies with 422 or 400', async () => {
    const s = path(uniqueId('bad-value'));
    const invalid = await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: '{"type":"recordz"}' });
    expect(invalid).toEqual({
      status: 422,
      contentType: ANSWER_TYPE,
      body: { error_code: 42201, message: 'Invalid schema: unknown type: "recordz"' },
    });
    const protobuf = await call(registry.url, 'POST', `/subjects/${s}/versions`, {
      schema: 'syntax = "proto3";',
      schemaType: 'PROTOBUF',
    });
    expect(protobuf).toMatchObject({ status: 422, body: { error_code: 42201, message: expect.stringContaining('AVRO only') } });
    const missing = await call(registry.url, 'POST', `/subjects/${s}/versions`, { schemaa: v1 });
    expect(missing).toMatchObject({ status: 422, body: { error_code: 422, message: 'schema must be a string' } });
    for (const type of [CONFLUENT_TYPE, 'application/json']) {
      const res = await fetch(`${registry.url}/subjects/${s}/versions`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${ADMIN_KEY}` },
        body: '{"schema":',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error_code: 400, message: expect.stringMatching(/^Malformed JSON request body: /) });
    }
  });

  it('should answer unknown routes in the registry namespaces with a Confluent 404', async () => {
    expect(await call(registry.url, 'GET', '/subjects/x/versions/1/nothing')).toEqual({
      status: 404,
      contentType: ANSWER_TYPE,
      body: { error_code: 404, message: 'HTTP 404 Not Found' },
    });
    expect(await call(registry.url, 'PATCH', '/config', { compatibility: 'NONE' })).toMatchObject({
      status: 404,
      body: { error_code: 404 },
    });
  });

  it('should soft delete a subject and a version, hide them, and never reuse a version number', async () => {
    const subject = uniqueId('deleted-value');
    const s = path(subject);
    await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'NONE' });
    await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v1 });
    await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v2 });
    await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: withRequiredAge });

    expect(await call(registry.url, 'DELETE', `/subjects/${s}/versions/2`)).toMatchObject({ status: 200, body: 2 });
    expect((await call(registry.url, 'GET', `/subjects/${s}/versions`)).body).toEqual([1, 3]);
    expect(await call(registry.url, 'GET', `/subjects/${s}/versions/2`)).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
    expect(await call(registry.url, 'DELETE', `/subjects/${s}/versions/2`)).toMatchObject({
      status: 404,
      body: { error_code: 40406 },
    });

    expect(await call(registry.url, 'DELETE', `/subjects/${s}`)).toMatchObject({ status: 200, body: [1, 3] });
    expect(await call(registry.url, 'GET', `/subjects/${s}/versions`)).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    expect((await call(registry.url, 'GET', '/subjects')).body).not.toContain(subject);
    expect(await call(registry.url, 'DELETE', `/subjects/${s}`)).toMatchObject({ status: 404, body: { error_code: 40404 } });

    const again = await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v1 });
    expect(again.status).toBe(200);
    expect((await call(registry.url, 'GET', `/subjects/${s}/versions/latest`)).body).toMatchObject({ version: 4, schema: v1 });
    expect(await call(registry.url, 'DELETE', `/subjects/${s}?permanent=true`)).toMatchObject({
      status: 404,
      body: { error_code: 40405 },
    });
  });

  it('should answer the compatibility endpoint, with messages when verbose', async () => {
    const subject = uniqueId('compat-value');
    const s = path(subject);
    await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v1 });

    expect(await call(registry.url, 'POST', `/compatibility/subjects/${s}/versions/latest`, { schema: v2 })).toEqual({
      status: 200,
      contentType: ANSWER_TYPE,
      body: { is_compatible: true },
    });
    expect(
      (await call(registry.url, 'POST', `/compatibility/subjects/${s}/versions/1?verbose=true`, { schema: withRequiredAge }))
        .body,
    ).toEqual({
      is_compatible: false,
      messages: [
        'Incompatible with version 1 (BACKWARD_TRANSITIVE): the new schema cannot read data written with version 1: ' +
          'no matching field for default-less se.stafett.test.Member.age',
      ],
    });
    expect(
      (
        await call(registry.url, 'POST', `/compatibility/subjects/${path(uniqueId('new'))}/versions/latest`, {
          schema: withRequiredAge,
        })
      ).body,
    ).toEqual({
      is_compatible: true,
    });
    expect(await call(registry.url, 'POST', `/compatibility/subjects/${s}/versions/9`, { schema: v2 })).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
  });

  it('should apply BACKWARD_TRANSITIVE by default and only the latest version under BACKWARD', async () => {
    // v1 {id, name}; v2 {id, name, age} (registered under NONE); v3 {id, age} reads v2's data, not v1's (no age).
    const subject = uniqueId('transitive-value');
    const s = path(subject);
    const onlyAge = JSON.stringify({
      type: 'record',
      name: 'Member',
      namespace: 'se.stafett.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'age', type: 'int' },
      ],
    });
    await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'NONE' });
    await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v1 });
    await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: withRequiredAge });
    await call(registry.url, 'DELETE', `/config/${s}`);

    const transitive = await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: onlyAge });
    expect(transitive).toMatchObject({
      status: 409,
      body: { error_code: 409, message: expect.stringContaining('version 1 (BACKWARD_TRANSITIVE)') },
    });

    await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'backward' });
    expect(await call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: onlyAge })).toMatchObject({ status: 200 });
    expect((await call(registry.url, 'GET', `/subjects/${s}/versions`)).body).toEqual([1, 2, 3]);
  });

  it('should answer the config endpoints like Confluent', async () => {
    const subject = uniqueId('config-value');
    const s = path(subject);
    expect(await call(registry.url, 'GET', '/config')).toEqual({
      status: 200,
      contentType: ANSWER_TYPE,
      body: { compatibilityLevel: 'BACKWARD_TRANSITIVE' },
    });
    expect(await call(registry.url, 'GET', `/config/${s}`)).toEqual({
      status: 404,
      contentType: ANSWER_TYPE,
      body: { error_code: 40408, message: `Subject '${subject}' does not have subject-level compatibility configured` },
    });
    expect((await call(registry.url, 'GET', `/config/${s}?defaultToGlobal=true`)).body).toEqual({
      compatibilityLevel: 'BACKWARD_TRANSITIVE',
    });
    expect(await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'FULL' })).toMatchObject({
      status: 200,
      body: { compatibility: 'FULL' },
    });
    expect((await call(registry.url, 'GET', `/config/${s}`)).body).toEqual({ compatibilityLevel: 'FULL' });
    expect(await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'SIDEWAYS' })).toMatchObject({
      status: 422,
      body: { error_code: 42203 },
    });
    expect(await call(registry.url, 'DELETE', `/config/${s}`)).toMatchObject({
      status: 200,
      body: { compatibilityLevel: 'FULL' },
    });
    expect(await call(registry.url, 'GET', `/config/${s}`)).toMatchObject({ status: 404, body: { error_code: 40408 } });

    try {
      expect(await call(registry.url, 'PUT', '/config', { compatibility: 'FORWARD' })).toMatchObject({
        status: 200,
        body: { compatibility: 'FORWARD' },
      });
      expect((await call(registry.url, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'FORWARD' });
      expect((await call(registry.url, 'GET', `/config/${s}?defaultToGlobal=true`)).body).toEqual({
        compatibilityLevel: 'FORWARD',
      });
    } finally {
      await call(registry.url, 'PUT', '/config', { compatibility: 'BACKWARD_TRANSITIVE' });
    }
  });

  it('should give versions 1 and 2 to two concurrent registrations of compatible schemas under one subject', async () => {
    const subject = uniqueId('race-value');
    const s = path(subject);
    const [a, b] = await Promise.all([
      call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v1 }),
      call(registry.url, 'POST', `/subjects/${s}/versions`, { schema: v2 }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await call(registry.url, 'GET', `/subjects/${s}/versions`)).body).toEqual([1, 2]);
    const ids = await Promise.all(
      [1, 2].map(async (v) => ((await call(registry.url, 'GET', `/subjects/${s}/versions/${v}`)).body as { id: number }).id),
    );
    expect(ids.sort()).toEqual([(a.body as { id: number }).id, (b.body as { id: number }).id].sort());
  });

  it('should keep one version when the same new schema is registered concurrently', async () => {
    const subject = uniqueId('race-value');
    const schema = member([{ name: 'race', type: 'string', default: subject }]);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call(registry.url, 'POST', `/subjects/${path(subject)}/versions`, { schema })),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect((await call(registry.url, 'GET', `/subjects/${path(subject)}/versions`)).body).toEqual([1]);
  });
});

describe('SchemaRegistry writes (standalone)', () => {
  let registry: RunningSchemaRegistry;
  let subject: string;
  const anonymous = (method: string, p: string, body?: unknown, authorization?: string) =>
    fetch(`${registry.url}${p}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': CONFLUENT_TYPE }), ...(authorization ? { authorization } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    registry = await startSchemaRegistry({ databaseUrl: testDatabaseUrl(), adminKeys: [ADMIN_KEY] });
    subject = uniqueId('guarded-value');
    expect((await call(registry.url, 'POST', `/subjects/${path(subject)}/versions`, { schema: v1 })).status).toBe(200);
  });

  afterAll(async () => {
    await registry.close();
  });

  it.each([
    ['register a version', 'POST', () => `/subjects/${path(subject)}/versions`, { schema: v2 }],
    ['set the compatibility to NONE', 'PUT', () => `/config/${path(subject)}`, { compatibility: 'NONE' }],
    ['set the global compatibility', 'PUT', () => '/config', { compatibility: 'NONE' }],
    ['delete a subject', 'DELETE', () => `/subjects/${path(subject)}`, undefined],
    ['delete a version', 'DELETE', () => `/subjects/${path(subject)}/versions/1`, undefined],
  ])('should refuse to %s without a key: 401 in Confluent shape', async (_what, method, p, body) => {
    const res = await anonymous(method, p(), body);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error_code: 401, message: expect.any(String) });
  });

  it('should refuse a write with a wrong key', async () => {
    const res = await anonymous('PUT', `/config/${path(subject)}`, { compatibility: 'NONE' }, `Basic ${Buffer.from('u:stf_wrong').toString('base64')}`);
    expect(res.status).toBe(401);
  });

  it('should still answer reads without a key, and hold what the refused writes would have changed', async () => {
    const versions = await anonymous('GET', `/subjects/${path(subject)}/versions`);
    expect(await versions.json()).toEqual([1]);
    const level = await anonymous('GET', `/config/${path(subject)}?defaultToGlobal=true`);
    expect(await level.json()).toEqual({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  });

  it('should take a write with the key as Basic auth password, as Confluent clients send it', async () => {
    const res = await anonymous('POST', `/subjects/${path(subject)}/versions`, { schema: v2 }, `Basic ${Buffer.from(`any:${ADMIN_KEY}`).toString('base64')}`);
    expect(res.status).toBe(200);
  });
});
