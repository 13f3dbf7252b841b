/**
 * Who may do what on the all-in-one app: every route needs an API key unless it is public on
 * purpose, and each key's roles are enforced (DESIGN §2, docs/security.md).
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { testConfig, uniqueId } from '@stafett/testing';
import { createApp } from './create-app';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every method and path the app routes, as Express holds them (without Nest's own 404 catch-all, `{/*splat}`). */
function routesOf(app: INestApplication): { method: string; path: string }[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
  return router.stack.flatMap((layer) =>
    layer.route && layer.route.path !== '{/*splat}'
      ? Object.keys(layer.route.methods)
          .map((m) => m.toUpperCase())
          .filter((m) => METHODS.includes(m))
          .map((method) => ({ method, path: layer.route!.path }))
      : [],
  );
}

/** A concrete URL for a route pattern: uuids for ids, harmless names for the rest. */
const concrete = (path: string) =>
  path
    .replace(/:(id|batchId)\b/g, randomUUID())
    .replace(/:subject\b/g, 'probe-value')
    .replace(/:version\b/g, '1')
    .replace(/\{\*\w+\}/g, 'anything');

/** The routes open without a key, on purpose: health, metrics, the OpenAPI docs, the registry's reads, calendar feeds (their unguessable token is the credential). */
const PUBLIC = [
  /^GET \/calendar\/:file$/,
  /^GET \/health\/(live|ready)$/,
  /^GET \/metrics$/,
  /^GET \/docs/,
  /^GET \/registry(\/.*)?$/,
  /^POST \/registry$/,
  /^POST \/registry\/subjects\/:subject$/,
  /^POST \/registry\/compatibility\//,
  /^\w+ \/registry\/\{\*rest\}$/,
];

describe('all-in-one app access', () => {
  const adminKey = `stf_${uniqueId('access-admin')}`;
  let app: INestApplication;
  const as = (key: string | undefined) => {
    const http = request(app.getHttpServer());
    const auth = <T extends request.Test>(t: T) => (key ? t.set('Authorization', `Bearer ${key}`) : t);
    return {
      get: (url: string) => auth(http.get(url)),
      post: (url: string) => auth(http.post(url)),
      put: (url: string) => auth(http.put(url)),
      delete: (url: string) => auth(http.delete(url)),
    };
  };
  const newKey = async (roles: string[], extra: Record<string, unknown> = {}) =>
    (
      await as(adminKey)
        .post('/v1/api-keys')
        .send({ name: uniqueId('key'), roles, ...extra })
        .expect(201)
    ).body as { id: string; key: string };
  const person = (n: number) => ({ firstName: `Förnamn${n}`, lastName: 'Efternamn', birthDate: '2010-05-17' });

  beforeAll(async () => {
    app = await createApp(testConfig({ SCHEMA_REGISTRY_URL: '', STAFETT_ADMIN_API_KEY: adminKey }));
    await app.init();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('should answer 401 on every route without a key, except the ones public on purpose', async () => {
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(20);
    const open: string[] = [];
    for (const { method, path } of routes) {
      const name = `${method} ${path}`;
      if (PUBLIC.some((p) => p.test(name))) continue;
      const res = await request(app.getHttpServer())[method.toLowerCase() as 'get'](concrete(path));
      if (res.status !== 401) open.push(`${name} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it('should let the public routes answer without a key, and only reads among them', async () => {
    const publicRoutes = routesOf(app).filter(({ method, path }) => PUBLIC.some((p) => p.test(`${method} ${path}`)));
    for (const { method, path } of publicRoutes.filter((r) => r.method === 'GET' && !r.path.includes('{*'))) {
      const res = await request(app.getHttpServer()).get(concrete(path));
      expect(`${method} ${path} → ${res.status === 401 ? 401 : 'open'}`).toBe(`${method} ${path} → open`);
    }
    const writes = publicRoutes.filter((r) => r.method !== 'GET' && !r.path.includes('{*') && !/^\/registry(\/subjects\/:subject|\/compatibility\/.*)?$/.test(r.path));
    expect(writes).toEqual([]);
  });

  it('should show a new key once and list it without the key', async () => {
    const created = await newKey(['read']);
    expect(created.key).toMatch(/^stf_/);
    const listed = (await as(adminKey).get('/v1/api-keys').expect(200)).body as { items: Record<string, unknown>[] };
    const item = listed.items.find((k) => k['id'] === created.id);
    expect(item).toEqual({
      id: created.id,
      name: expect.any(String),
      roles: ['read'],
      organisationId: null,
      keyHint: `stf_…${created.key.slice(-4)}`,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it('should let a read key read persons and refuse it any write with 403', async () => {
    const { key } = await newKey(['read']);
    await as(key).get('/v1/persons?limit=1').expect(200);
    const res = await as(key).post('/v1/persons').send(person(1)).expect(403);
    expect(res.body).toMatchObject({ type: 'urn:stafett:problem:forbidden', status: 403 });
    await as(key)
      .post('/v1/imports')
      .send({ source: { system: 'club' }, records: [] })
      .expect(403);
  });

  it('should let an import key write but not read persons', async () => {
    const { key } = await newKey(['import']);
    const created = await as(key).post('/v1/persons').send(person(2)).expect(201);
    await as(key).get('/v1/persons?limit=1').expect(403);
    await as(key).get(`/v1/persons/${created.body.id}`).expect(403);
  });

  it('should refuse key management to any key but admin', async () => {
    const { key } = await newKey(['read', 'import']);
    await as(key).get('/v1/api-keys').expect(403);
    await as(key)
      .post('/v1/api-keys')
      .send({ name: 'escalate', roles: ['admin'] })
      .expect(403);
  });

  it('should refuse key management to an organisation-scoped key, and refuse to bind an admin key', async () => {
    const scoped = await newKey(['read', 'import'], { organisationId: randomUUID() });
    await as(scoped.key)
      .post('/v1/api-keys')
      .send({ name: 'escalate', roles: ['admin'] })
      .expect(403);
    await as(scoped.key).get(`/v1/api-keys/${scoped.id}`).expect(403);
    const res = await as(adminKey)
      .post('/v1/api-keys')
      .send({ name: 'scoped-admin', roles: ['admin'], organisationId: randomUUID() })
      .expect(422);
    expect(res.body.errors).toEqual([{ field: 'organisationId', code: 'INVALID_COMBINATION', message: expect.any(String) }]);
  });

  it('should answer 401 to a revoked key', async () => {
    const { id, key } = await newKey(['read']);
    await as(key).get('/v1/persons?limit=1').expect(200);
    await as(adminKey).delete(`/v1/api-keys/${id}`).expect(204);
    const res = await as(key).get('/v1/persons?limit=1').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('should answer 401 to an expired key', async () => {
    const { key } = await newKey(['read'], { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    await as(key).get('/v1/persons?limit=1').expect(200);
    await new Promise((r) => setTimeout(r, 1_700));
    await as(key).get('/v1/persons?limit=1').expect(401);
  });

  it('should refuse an expiry in the past with 422', async () => {
    const res = await as(adminKey)
      .post('/v1/api-keys')
      .send({ name: 'late', roles: ['read'], expiresAt: '2001-01-01T00:00:00Z' })
      .expect(422);
    expect(res.body.errors).toEqual([{ field: 'expiresAt', code: 'INVALID_DATE', message: expect.any(String) }]);
  });

  it('should refuse a registry write to a key that is not admin, in Confluent shape', async () => {
    const { key } = await newKey(['read', 'import']);
    const res = await as(key)
      .put('/registry/config')
      .set('content-type', 'application/vnd.schemaregistry.v1+json')
      .send(JSON.stringify({ compatibility: 'NONE' }))
      .expect(403);
    expect(res.body).toEqual({ error_code: 403, message: expect.any(String) });
    expect((await as(undefined).get('/registry/config').expect(200)).body).toEqual({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  });

  it('should check the key before reading the body: a 45 MB body without a key is a 401, not parsed', async () => {
    const junk = `{"records": [${'x'.repeat(45 * 1024 * 1024)}`;
    const res = await request(app.getHttpServer())
      .post('/v1/imports')
      .set('content-type', 'application/json')
      .send(junk)
      .ok(() => true);
    expect(res.status).toBe(401);
  });
});
