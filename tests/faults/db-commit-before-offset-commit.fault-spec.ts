/**
 * Fault 3: the service dies after its database transaction committed a batch and before it
 * committed the batch's offsets (fault point `import.after-db-commit`). The batch is delivered
 * again to the restarted service; `person.consumer_offset` (moved in the same transaction) makes it a no-op: one result per
 * record, one event per version, nothing applied twice.
 */
import { FaultScenario } from './support/fault-scenario';
import { settleAndCheck, versionsAfter } from './support/guarantees';

const PERSONS = 600;

describe('fault: killed between the database commit and the offset commit', () => {
  const s = new FaultScenario('dbcommit');

  beforeAll(() => s.prepare(), 60_000);
  afterAll(() => s.close(), 120_000);

  it('should skip the redelivered batch: every record applied once, one event per version', async () => {
    await s.topics.startReading();
    const people = s.persons(PERSONS);
    const updates = s.changed(people, 2);
    // Everything on the topic before the service starts: its first batch holds creates and updates.
    const records = [...(await s.importRecords(people)), ...(await s.importRecords(updates))];

    const doomed = await s.startService({ STAFETT_FAULT_POINTS: 'import.after-db-commit' }, { waitReady: false });
    expect(await s.crashed(doomed, 'import.after-db-commit')).toBe(true);

    // The crash left a committed batch in Postgres and no committed offset in Kafka.
    const committedAtCrash = await s.processedCount();
    const admin = await s.topics.client.admin();
    const lag = (await admin.groupLag(s.groupId, [s.importsTopic])).reduce((n, p) => n + p.lag, 0);
    await admin.disconnect();
    expect(committedAtCrash).toBeGreaterThan(0);
    expect(lag).toBe(records.length);

    const service = await s.startService();
    const ledger = await settleAndCheck(s, { records, versions: versionsAfter(people, updates) });
    expect(ledger.problems).toEqual([]);
    expect(ledger.processed).toBe(records.length);

    // The restarted service read every record again and applied only those the crash had not committed.
    expect(await s.metric(service, 'stafett_import_records_total')).toBeGreaterThanOrEqual(records.length);
    expect(await s.metric(service, 'stafett_import_outcomes_total')).toBe(records.length - committedAtCrash);
    process.stdout.write(
      `faults/db-commit: ${committedAtCrash}/${records.length} records committed before the crash and redelivered; ` +
        `${ledger.distinctEvents} events, ${ledger.eventDeliveries - ledger.distinctEvents} duplicate deliveries\n`,
    );
  });
});
