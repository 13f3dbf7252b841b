/**
 * Fault 2: Postgres restarts in the middle of an import (`pg_ctl stop -m fast`, a pause, start —
 * on a private cluster of this test). Every connection of the service is terminated, open batch
 * transactions roll back, the relay loses its leader session. Nothing may be lost or applied
 * twice; and since a database restart is a transient error (DESIGN §4: retried with backoff), the
 * service should ride it out in the same process. A supervisor restarts it if it does not, so the
 * data guarantees are checked either way and the crash is reported by its own test.
 */
import { FaultScenario } from './support/fault-scenario';
import { settleAndCheck, versionsAfter } from './support/guarantees';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres';

// Enough that the stop lands mid-import: one transaction applies up to 4,000 records.
const PERSONS = 5_000;
const OUTAGE_MS = 3_000;

describe('fault: Postgres restarted mid-import', () => {
  let pg: PrivatePostgres | undefined;
  let s: FaultScenario | undefined;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    s = new FaultScenario('postgres', { databaseUrl: pg.url('stafett_fault') });
    await s.prepare();
  }, 120_000);

  afterAll(async () => {
    try {
      await s?.close();
    } finally {
      await pg?.destroy();
    }
  }, 120_000);

  it('should lose nothing and apply nothing twice across the database restart', async () => {
    const sc = s!;
    await sc.topics.startReading();
    const people = sc.persons(PERSONS);
    const updates = sc.changed(people, 2);
    const before = [...(await sc.importRecords(people)), ...(await sc.importRecords(updates))];
    sc.supervise(await sc.startService());

    await sc.until('the first records applied', async () => (await sc.processedCount()) > 0, 120_000, 10);
    // Mid-import, or the restart proves nothing: records not yet applied, or changes not yet published.
    const appliedAtStop = await sc.processedCount();
    const unpublishedAtStop = await sc.outboxBacklog();
    await pg!.stop();
    expect({ unapplied: before.length - appliedAtStop, unpublished: unpublishedAtStop }).not.toEqual({ unapplied: 0, unpublished: 0 });
    await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the service keeps retrying against a dead database
    await pg!.start();

    const later = sc.changed(people, 3);
    const after = await sc.importRecords(later);
    const ledger = await settleAndCheck(sc, { records: [...before, ...after], versions: versionsAfter(people, updates, later) });
    expect(ledger.problems).toEqual([]);
    process.stdout.write(
      `faults/postgres: database stopped after ${appliedAtStop}/${before.length} records applied, ${unpublishedAtStop} changes unpublished, down ${OUTAGE_MS} ms; ` +
        `${ledger.distinctEvents} events, ${ledger.eventDeliveries - ledger.distinctEvents} duplicate deliveries; ${sc.crashes.length} service crash(es)\n`,
    );
  });

  it('should ride out the database restart in the same process (transient errors are retried)', () => {
    expect(s!.crashes).toEqual([]);
  });
});
