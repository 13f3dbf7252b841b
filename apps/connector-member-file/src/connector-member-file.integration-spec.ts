/**
 * The member-file connector as its own service (the image of apps/connector-member-file): real
 * broker, registry and Postgres, its own migrations at start. What is asserted is what a probe and an
 * API client see: readiness, the connector management API hosting the member-file type.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { testConfig, uniqueId } from '@stafett/testing';
import { createConnectorMemberFile } from './create-connector-member-file';

const ADMIN_KEY = `admin-${randomUUID()}-member-file`;

describe('connector-member-file', () => {
  let app: NestExpressApplication;
  let base: string;
  const connectorId = `medlemmar-${randomUUID().slice(0, 8)}`;

  const api = (key: string | undefined, method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await createConnectorMemberFile(testConfig({ STAFETT_TOPIC_PREFIX: `${uniqueId('member-file-app')}.`, STAFETT_ADMIN_API_KEY: ADMIN_KEY }), { quiet: true });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('should answer its readiness probe once Postgres, Kafka and the registry answer', async () => {
    const res = await api(undefined, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('should refuse the connector API without a key', async () => {
    expect((await api(undefined, 'GET', '/v1/connectors')).status).toBe(401);
  });

  it('should host member-file connectors at /v1/connectors for an admin key', async () => {
    const created = await api(ADMIN_KEY, 'POST', '/v1/connectors', {
      connectorId,
      connectorType: 'member-file',
      name: 'Medlemsregistret',
      organisationId: randomUUID(),
      direction: 'IMPORT',
      sourceSystem: `member-file-${connectorId}`,
      entities: [{ entity: 'person', matchKeys: ['externalId', 'personalIdentityNumber'] }],
      config: {},
    });
    expect(created.status).toBe(201);
    const list = await api(ADMIN_KEY, 'GET', '/v1/connectors');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ connectorId, connectorType: 'member-file', state: 'RUNNING' })]),
    );
  });
});
