import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { freePort, testConfig, uniqueId } from '@stafett/testing';
import { createApp } from './create-app';

describe('all-in-one app', () => {
  const apps: INestApplication[] = [];

  async function start(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const app = await createApp(testConfig(overrides));
    await app.init();
    apps.push(app);
    return app;
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('should answer ready with the state of Postgres and Kafka', async () => {
    const app = await start();
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, kafka: { status: 'up', brokers: 1 }, registry: { status: 'up' } },
    });
  });

  it('should serve the built-in schema registry under /registry when none is configured', async () => {
    const port = await freePort();
    const adminKey = `stf_${uniqueId('all-in-one-admin')}`;
    const app = await start({ SCHEMA_REGISTRY_URL: '', PORT: String(port), STAFETT_ADMIN_API_KEY: adminKey });
    await app.listen(port, '127.0.0.1');
    const subject = `${uniqueId('all-in-one')}-value`;
    const schema = JSON.stringify({ type: 'record', name: 'Probe', fields: [{ name: 'a', type: 'string' }] });
    const registered = await request(app.getHttpServer())
      .post(`/registry/subjects/${subject}/versions`)
      .set('authorization', `Basic ${Buffer.from(`registry:${adminKey}`).toString('base64')}`)
      .set('content-type', 'application/vnd.schemaregistry.v1+json')
      .send({ schema })
      .expect(200);
    expect(registered.body).toEqual({ id: expect.any(Number) });
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.details.registry).toMatchObject({ status: 'up', url: `http://127.0.0.1:${port}/registry`, compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  });

  it('should answer 503 naming Kafka when the broker does not answer, and stay live', async () => {
    const app = await start({ KAFKA_BROKERS: '127.0.0.1:1' });
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body).toMatchObject({ status: 'error', error: { kafka: { status: 'down' } }, info: { postgres: { status: 'up' } } });
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('should serve Prometheus metrics and the OpenAPI document', async () => {
    const app = await start();
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain('process_resident_memory_bytes');
    const docs = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(docs.body).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'Stafett' } });
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });
});
