/**
 * The activity service as a real process: it starts, migrates, projects the organisation state
 * topic, takes an import record for an activity of a known club, and publishes its result and event.
 */
import { club, training, ActivityTopicsHarness } from '@stafett/activity/testing';
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, type RunningProcess } from '@stafett/testing';

describe('activity-service process', () => {
  const prefix = `${uniqueId('activity-service')}.`;
  const topics = new ActivityTopicsHarness(prefix);
  let service: RunningProcess | undefined;

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await topics.close();
  });

  it('should start, answer /health/live, and apply an import of an activity of a projected club', async () => {
    await topics.startReading();
    const port = await freePort();
    service = startProcess('apps/activity-service/src/main.ts', {
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      STAFETT_TOPIC_PREFIX: prefix,
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    await service.waitFor('ready', 60_000);
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

    const org = club();
    await topics.publishState('organisation', org.id, org);
    const [record] = await topics.importRecords('club-system', [{ externalId: 'svc-1', payload: training(org.id, '2027-09-01T17:00:00Z') }]);
    const result = (await topics.resultsOf([record], 90_000)).get(record.recordId);
    expect(result).toMatchObject({ outcome: 'CREATED', entityType: 'activity', version: 1 });
    const event = await topics.eventOf(result!.entityId!, 'CREATE');
    expect(event.after).toMatchObject({ organisationId: org.id, type: 'TRAINING', startsAt: new Date('2027-09-01T17:00:00Z') });
  }, 180_000);
});
