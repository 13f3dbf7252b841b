/**
 * The organisation service as a real process (dist build), against the test broker, registry and
 * Postgres: it starts, is ready, applies import records from its topic and serves what it stored.
 */
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, type RunningProcess } from '@stafett/testing';
import { OrganisationTopicsHarness, validOrganisation } from '@stafett/organisation/testing';

describe('organisation-service process', () => {
  const prefix = `${uniqueId('org-service')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new OrganisationTopicsHarness(prefix);
  /** A source system of this file only: the test files of a run share one database (and its links). */
  const system = uniqueId('idrottsonline');
  let service: RunningProcess | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    await topics.startReading();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = startProcess('apps/organisation-service/src/main.ts', {
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      STAFETT_TOPIC_PREFIX: prefix,
      STAFETT_ADMIN_API_KEY: adminKey,
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    await service.waitFor('ready', 60_000);
  }, 120_000);

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await topics.close();
  });

  it('should be ready, import a confederation and a federation below it, and serve them', async () => {
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
    const [rf] = await topics.importRecords(system, [{ externalId: 'rf', payload: validOrganisation('CONFEDERATION', 'Riksidrottsförbundet') }]);
    const rfResult = (await topics.resultsOf([rf])).get(rf.recordId)!;
    const [fed] = await topics.importRecords(system, [{ externalId: 'svff', payload: validOrganisation('FEDERATION', 'Svenska Fotbollförbundet', { system, externalId: 'rf' }) }]);
    const fedResult = (await topics.resultsOf([fed])).get(fed.recordId)!;
    expect([rfResult.outcome, fedResult.outcome]).toEqual(['CREATED', 'CREATED']);
    const res = await fetch(`${baseUrl}/v1/organisations/${fedResult.entityId}`, { headers: { Authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: fedResult.entityId, type: 'FEDERATION', parentId: rfResult.entityId, version: 1 });
  });
});
