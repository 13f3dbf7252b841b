/**
 * Fault 1: the broker is SIGKILLed in the middle of an import (a private broker of this test, so
 * nothing else notices), stays away for a while and comes back on the same data directory. Nothing
 * may be lost or applied twice, and records produced after the restart are applied too. A broker
 * outage is a transient error (DESIGN §4): the service should ride it out in the same process; a
 * supervisor restarts it if it does not, so the data guarantees are checked either way and a crash
 * is reported by its own test.
 */
import { FaultScenario } from './support/fault-scenario';
import { settleAndCheck, versionsAfter } from './support/guarantees';
import { startPrivateKafka, type PrivateKafka } from './support/private-kafka';

// Enough that the kill lands mid-import: a batch of 2,000 records commits in about a quarter of a second.
const PERSONS = 5_000;
const OUTAGE_MS = 8_000;

describe('fault: broker SIGKILLed mid-import and restarted', () => {
  let kafka: PrivateKafka | undefined;
  let s: FaultScenario | undefined;

  beforeAll(async () => {
    kafka = await startPrivateKafka();
    s = new FaultScenario('broker', { brokers: kafka.brokers });
    await s.prepare();
  }, 180_000);

  afterAll(async () => {
    try {
      await s?.close();
    } finally {
      await kafka?.destroy();
    }
  }, 180_000);

  it('should lose nothing and apply nothing twice across the broker kill', async () => {
    const sc = s!;
    const people = sc.persons(PERSONS);
    const updates = sc.changed(people, 2);
    const before = [...(await sc.importRecords(people)), ...(await sc.importRecords(updates))];
    sc.supervise(await sc.startService());

    await sc.until('the first records applied', async () => (await sc.processedCount()) > 0, 120_000, 10);
    await kafka!.kill();
    // Mid-import, or the kill proves nothing: records not yet applied, or applied changes not yet
    // published (records already fetched are applied while the broker is down; their events wait).
    const appliedAtKill = await sc.processedCount();
    const unpublishedAtKill = await sc.outboxBacklog();
    expect({ unapplied: before.length - appliedAtKill, unpublished: unpublishedAtKill }).not.toEqual({ unapplied: 0, unpublished: 0 });
    await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the service keeps retrying against a dead broker
    await kafka!.start();

    // A wave produced after the restart shows the service consumes again, not only drains.
    const later = sc.changed(people, 3);
    const after = await sc.importRecords(later);
    // The independent reader starts now, from the beginning of every topic.
    await sc.topics.startReading();
    const ledger = await settleAndCheck(sc, { records: [...before, ...after], versions: versionsAfter(people, updates, later) });
    expect(ledger.problems).toEqual([]);
    process.stdout.write(
      `faults/broker: broker killed after ${appliedAtKill}/${before.length} records applied, ${unpublishedAtKill} changes unpublished, down ${OUTAGE_MS} ms; ` +
        `${ledger.distinctEvents} events, ${ledger.eventDeliveries - ledger.distinctEvents} duplicate deliveries; ${sc.crashes.length} service crash(es)\n`,
    );
  });

  it('should ride out the broker outage in the same process (transient errors are retried)', () => {
    expect(s!.crashes).toEqual([]);
  });
});
