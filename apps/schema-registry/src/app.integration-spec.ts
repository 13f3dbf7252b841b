import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { testConfig, uniqueId } from '@stafett/testing';
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
});
