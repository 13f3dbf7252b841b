/**
 * Fault 5: the whole input replayed. After an import completed, the service's consumer group is
 * reset to the earliest offset while the service is stopped (as an operator would after an
 * incident) and the service restarted: it reads every record again and publishes nothing new —
 * zero events, zero results, zero new versions.
 */
import { FaultScenario } from './support/fault-scenario';
import { settleAndCheck, versionsAfter } from './support/guarantees';

const PERSONS = 600;

describe('fault: the whole input replayed from the earliest offset', () => {
  const s = new FaultScenario('replay');

  beforeAll(() => s.prepare(), 60_000);
  afterAll(() => s.close(), 120_000);

  it('should apply nothing twice: no new event, result or version', async () => {
    await s.topics.startReading();
    const people = s.persons(PERSONS);
    const updates = s.changed(people, 2);
    const records = [...(await s.importRecords(people)), ...(await s.importRecords(updates))];
    const expectation = { records, versions: versionsAfter(people, updates) };

    const first = await s.startService();
    const before = await settleAndCheck(s, expectation);
    expect(before.problems).toEqual([]);
    // A clean stop (Nest re-raises SIGTERM after its shutdown hooks): the consumer left its group.
    expect(await s.stopService(first, 'SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });

    // Reset the stopped group to the earliest offsets, with the kafkajs admin behind our client.
    const kafkaAdmin = s.topics.client.kafka.admin();
    await kafkaAdmin.connect();
    try {
      await kafkaAdmin.resetOffsets({ groupId: s.groupId, topic: s.importsTopic, earliest: true });
    } finally {
      await kafkaAdmin.disconnect();
    }
    const admin = await s.topics.client.admin();
    const lag = async () => (await admin.groupLag(s.groupId, [s.importsTopic])).reduce((n, p) => n + p.lag, 0);
    try {
      expect(await lag()).toBe(records.length);

      const second = await s.startService();
      // Replayed to the end: the group caught up and this process read every record once more.
      await s.until('the replay to reach the end of the topic', async () => (await lag()) === 0, 120_000, 200);
      expect(await s.metric(second, 'stafett_import_records_total')).toBeGreaterThanOrEqual(records.length);
    } finally {
      await admin.disconnect();
    }

    const after = await settleAndCheck(s, expectation);
    expect(after.problems).toEqual([]);
    expect({ events: after.eventDeliveries, results: after.resultDeliveries, processed: after.processed, versions: after.dbVersions }).toEqual({
      events: before.eventDeliveries,
      results: before.resultDeliveries,
      processed: before.processed,
      versions: before.dbVersions,
    });
    expect(await s.metric(s.services[1], 'stafett_import_outcomes_total')).toBe(0);
    process.stdout.write(`faults/replay: ${records.length} records replayed; 0 new events, results or versions (${before.distinctEvents} events)\n`);
  });
});
