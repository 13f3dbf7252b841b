/**
 * The group service as a real process: it starts, answers its health checks, projects the
 * organisations and persons it is given on their state topics, and applies a group sent through
 * `POST /v1/imports` (its report DONE with the created group) and `/v1/groups`.
 */
import { club, GroupTopicsHarness, projectedPerson } from '@stafett/group/testing';
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';

describe('group-service process', () => {
  const prefix = `${uniqueId('group-service')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new GroupTopicsHarness(prefix);
  let service: RunningProcess | undefined;
  let base = '';

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    await topics.startReading();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = startProcess('apps/group-service/src/main.ts', {
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      STAFETT_TOPIC_PREFIX: prefix,
      STAFETT_ADMIN_API_KEY: adminKey,
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    await service.waitFor('ready', 60_000);
  }, 180_000);

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await topics.close();
  });

  it('should be live and ready', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    await waitFor('ready', async () => ((await fetch(`${base}/health/ready`)).status === 200 ? true : undefined));
  });

  it('should apply a group imported through POST /v1/imports, with members from the person projection, and serve it on /v1/groups', async () => {
    const org = club({ externalIds: [{ system: 'club-system', id: uniqueId('club') }] });
    const person = projectedPerson();
    await topics.publishOrganisations([org]);
    await topics.publishPersons([person]);
    const res = await call('POST', '/v1/imports', {
      source: { system: 'club-system' },
      records: [
        {
          entityType: 'group',
          externalId: 'g-1',
          op: 'UPSERT',
          payload: {
            organisation: { system: 'club-system', externalId: org.externalIds![0].id },
            name: 'Knattegruppen',
            type: 'TRAINING',
            members: [{ person: { personalIdentityNumber: person.personalIdentityNumber }, role: 'PARTICIPANT', from: '2025-01-01' }],
          },
        },
      ],
    });
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: string };
    const report = await waitFor(
      'the batch DONE',
      async () => {
        const body = (await (await call('GET', `/v1/imports/${batchId}`)).json()) as { status: string; results: { outcome: string; entityId: string }[] };
        return body.status === 'DONE' ? body : undefined;
      },
      60_000,
    );
    expect(report.results).toEqual([expect.objectContaining({ outcome: 'CREATED' })]);
    const group = await (await call('GET', `/v1/groups/${report.results[0].entityId}`)).json();
    expect(group).toMatchObject({
      organisationId: org.id,
      name: 'Knattegruppen',
      members: [{ personId: person.id, role: 'PARTICIPANT', from: '2025-01-01', to: null }],
      version: 1,
    });
    // No personnummer in the service's log.
    expect(service!.output()).not.toContain(person.personalIdentityNumber!);
  }, 120_000);
});
