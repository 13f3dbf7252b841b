/**
 * Scale-out on one machine: two person-service processes on the same database and topics, as two
 * replicas of the Helm chart run them (migrated first by `main.js migrate`, then started with
 * STAFETT_MIGRATE_AT_START=false). They share the import consumer group (each reads its share of
 * the partitions) and one outbox relay publishes at a time. The process whose relay holds the
 * advisory lock is SIGKILLed mid-import and records keep coming: the group rebalances every
 * partition to the survivor, its relay takes over, and DESIGN §4 holds over the whole run (every
 * record one distinct result, every person one event per version, nothing lost).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { buildDist } from '@stafett/testing';
import { FaultScenario, type ServiceProcess } from './support/fault-scenario';
import { settleAndCheck, versionsAfter } from './support/guarantees';

const PERSONS = 800;
const repo = path.resolve(__dirname, '..', '..');

describe('scale-out: two person-service processes, the relay leader killed', () => {
  const s = new FaultScenario('scaleout');
  let admin: Admin;

  beforeAll(async () => {
    await s.prepare();
    // Our port has no describeGroups: the adapter's own kafkajs client reads the assignments.
    admin = s.topics.client.kafka.admin();
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin.disconnect();
    await s.close();
  }, 120_000);

  /** Import partitions held by each member of the service's group once it is stable (sorted), else undefined. */
  async function partitionsPerMember(): Promise<number[] | undefined> {
    const {
      groups: [group],
    } = await admin.describeGroups([s.groupId]);
    if (group?.state !== 'Stable') return undefined;
    return group.members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[s.importsTopic]?.length ?? 0).sort();
  }

  const published = (service: ServiceProcess) => s.metric(service, 'stafett_outbox_published_total');
  const consumed = (service: ServiceProcess) => s.metric(service, 'stafett_import_records_total');

  it('should share the partitions, fail the relay over to the survivor and apply every record exactly once', async () => {
    const started = Date.now();
    // The migration Job's step, then two replicas that do not migrate.
    buildDist();
    const migration = await promisify(execFile)(process.execPath, [path.join(repo, 'dist/apps/stafett/src/main.js'), 'migrate'], {
      cwd: repo,
      env: { ...process.env, DATABASE_URL: s.databaseUrl, LOG_LEVEL: 'warn' },
    });
    expect(migration.stdout).toMatch(/^stafett: applied \d+ migrations/);
    const [a, b] = await Promise.all([s.startService({ STAFETT_MIGRATE_AT_START: 'false' }), s.startService({ STAFETT_MIGRATE_AT_START: 'false' })]);
    await s.until('both processes in the group, 3 partitions each', async () => (await partitionsPerMember())?.join() === '3,3', 60_000, 250);
    await s.topics.startReading();

    const people = s.persons(PERSONS);
    const records = [...(await s.importRecords(people))];
    await s.until('the first wave applied', async () => (await s.consumerLag()) === 0 && (await s.outboxBacklog()) === 0, 90_000, 250);
    const consumedBefore = [await consumed(a), await consumed(b)];
    const publishedBefore = [await published(a), await published(b)];
    expect(consumedBefore.every((n) => n > 0)).toBe(true);
    expect(consumedBefore[0] + consumedBefore[1]).toBeGreaterThanOrEqual(PERSONS);
    // Exactly one relay published: the one holding the outbox's advisory lock.
    expect(publishedBefore.filter((n) => n > 0)).toEqual([PERSONS]);
    const [leader, survivor] = publishedBefore[0] > 0 ? [a, b] : [b, a];

    const second = s.changed(people, 2);
    records.push(...(await s.importRecords(second)));
    const secondIds = new Set(records.slice(PERSONS).map((r) => r.recordId));
    await s.until('part of the second wave applied', () => s.topics.results.filter((r) => secondIds.has(r.recordId)).length >= PERSONS / 8, 60_000, 10);
    await s.stopService(leader, 'SIGKILL');
    const killedAt = Date.now();
    const secondAtKill = new Set(s.topics.results.filter((r) => secondIds.has(r.recordId)).map((r) => r.recordId)).size;

    // Keep producing: only the survivor is left to consume it and to publish its events.
    const third = s.changed(people, 3);
    records.push(...(await s.importRecords(third)));
    await s.until("the survivor's relay publishing", async () => (await published(survivor)) > 0, 60_000, 100);
    const failoverMs = Date.now() - killedAt;
    await s.until('the group rebalanced every partition to the survivor', async () => (await partitionsPerMember())?.join() === '6', 90_000, 500);

    const ledger = await settleAndCheck(s, { records, versions: versionsAfter(people, second, third) });
    expect(ledger.problems).toEqual([]);
    expect(ledger.distinctEvents).toBe(PERSONS * 3);
    expect(s.services.filter((x) => x !== leader).map((x) => x.process.child.exitCode)).toEqual([null]);
    process.stdout.write(
      `faults/scale-out: first wave consumed ${consumedBefore.join(' + ')}; leader killed with ${secondAtKill}/${PERSONS} of the second wave applied; relay failed over in ${failoverMs} ms; ` +
        `${ledger.eventDeliveries - ledger.distinctEvents} duplicate event deliveries; ${Math.round((Date.now() - started) / 1000)} s in all\n`,
    );
  }, 240_000);
});
