import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Client } from 'pg';
import { dropDatabase } from '@stafett/persistence';
import { testConfig, testDatabaseUrl, uniqueId } from '@stafett/testing';
import { createApp } from './create-app';

describe('schema-registry app', () => {
  let app: INestApplication;

  const adminKey = `stf_${uniqueId('registry-admin-key')}`;

  beforeAll(async () => {
    app = await createApp(testConfig({ STAFETT_ADMIN_API_KEY: adminKey }));
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('should be live and ready with Postgres up', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' } } });
  });

  it('should refuse a write without the admin key, in Confluent\'s shape', async () => {
    const res = await request(app.getHttpServer()).post(`/subjects/${uniqueId('anon-value')}/versions`).set('content-type', 'application/vnd.schemaregistry.v1+json').send(JSON.stringify({ schema: '"string"' })).expect(401);
    expect(res.body).toEqual({ error_code: 401, message: expect.any(String) });
  });

  it('should serve the registry at the root', async () => {
    const subject = uniqueId('app-value');
    const registered = await request(app.getHttpServer())
      .post(`/subjects/${subject}/versions`)
      .set('authorization', `Bearer ${adminKey}`)
      .set('content-type', 'application/vnd.schemaregistry.v1+json')
      .send(JSON.stringify({ schema: '"string"' }))
      .expect(200);
    expect(registered.body).toEqual({ id: expect.any(Number) });
    const latest = await request(app.getHttpServer()).get(`/subjects/${subject}/versions/latest`).expect(200);
    expect(latest.body).toEqual({ subject, id: registered.body.id, version: 1, schema: '"string"' });
  });

  it('should leave the schema to the migration job when STAFETT_MIGRATE_AT_START=false', async () => {
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${uniqueId('nomigrate').replace(/-/g, '_')}`;
    const unmigrated = await createApp(testConfig({ DATABASE_URL: url.toString(), STAFETT_MIGRATE_AT_START: 'false' }));
    try {
      await unmigrated.init();
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      const { rows } = await client.query(`SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'registry'`);
      await client.end();
      expect(rows).toEqual([]);
    } finally {
      await unmigrated.close();
      await dropDatabase(url.toString());
    }
  });
});
