/**
 * The Helm chart's routing as real processes: the Ingress sends every `POST /v1/imports` to the
 * person service, which the chart starts with STAFETT_IMPORT_ENTITY_TYPES naming every deployed
 * domain. A group batch posted there goes to the group import topic, the group service applies it,
 * and the person service reports it DONE; without the variable the person service refuses it by field.
 */
import { club, GroupTopicsHarness, projectedPerson } from '@stafett/group/testing';
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';

describe('group imports through the person service (the Ingress owner of /v1/imports)', () => {
  const prefix = `${uniqueId('imports-owner')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new GroupTopicsHarness(prefix);
  const processes: RunningProcess[] = [];
  const base: Record<'person' | 'group', string> = { person: '', group: '' };

  const call = (service: 'person' | 'group', method: string, path: string, body?: unknown) =>
    fetch(`${base[service]}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function start(service: 'person' | 'group', env: Record<string, string> = {}): Promise<void> {
    const port = await freePort();
    base[service] = `http://127.0.0.1:${port}`;
    const running = startProcess(`apps/${service}-service/src/main.ts`, {
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      STAFETT_TOPIC_PREFIX: prefix,
      STAFETT_ADMIN_API_KEY: adminKey,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    });
    processes.push(running);
    await running.waitFor('ready', 90_000);
  }

  beforeAll(async () => {
    await topics.startReading();
    // One at a time: both migrate the shared api and imports schemas at start.
    await start('group');
    await start('person', { STAFETT_IMPORT_ENTITY_TYPES: 'person,group' });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await topics.close();
  });

  const groupBatch = (orgExternalId: string, personalIdentityNumber: string) => ({
    source: { system: 'club-system' },
    records: [
      {
        entityType: 'group',
        externalId: uniqueId('g'),
        op: 'UPSERT',
        payload: {
          organisation: { system: 'club-system', externalId: orgExternalId },
          name: 'Knattegruppen',
          type: 'TRAINING',
          members: [{ person: { personalIdentityNumber }, role: 'PARTICIPANT', from: '2025-01-01' }],
        },
      },
    ],
  });

  it('should take a group batch at the person service, have the group service apply it, and report it DONE there', async () => {
    const org = club({ externalIds: [{ system: 'club-system', id: uniqueId('club') }] });
    const person = projectedPerson();
    await topics.publishOrganisations([org]);
    await topics.publishPersons([person]);

    const res = await call('person', 'POST', '/v1/imports', groupBatch(org.externalIds![0].id, person.personalIdentityNumber!));
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as { batchId: string };
    const report = await waitFor(
      'the batch DONE at the person service',
      async () => {
        const body = (await (await call('person', 'GET', `/v1/imports/${batchId}`)).json()) as { status: string; results: { outcome: string; entityId: string }[] };
        return body.status === 'DONE' ? body : undefined;
      },
      60_000,
    );
    expect(report.results).toEqual([expect.objectContaining({ outcome: 'CREATED' })]);
    expect(await (await call('group', 'GET', `/v1/groups/${report.results[0].entityId}`)).json()).toMatchObject({
      organisationId: org.id,
      name: 'Knattegruppen',
      members: [{ personId: person.id, role: 'PARTICIPANT' }],
    });
  }, 120_000);

  it('should refuse records of a type the person service was not told to take, naming the field', async () => {
    const res = await call('person', 'POST', '/v1/imports', {
      source: { system: 'club-system' },
      records: [{ entityType: 'activity', externalId: uniqueId('a'), op: 'DELETE' }],
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'records[0].entityType', code: 'INVALID_ENUM', message: expect.stringContaining('one of: person, group') },
    ]);
  });
});
