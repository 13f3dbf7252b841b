/**
 * The person service as a real process, SIGKILLed mid-batch and restarted: every accepted record
 * gets exactly one event per version, versions per person are contiguous, nothing is lost.
 */
import { Pool } from 'pg';
import type { PersonImportRecord } from '@stafett/contracts';
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';
import { PersonTopicsHarness, validPerson } from '@stafett/person/testing';

const PERSONS = 2_000;

describe('person-service process', () => {
  const prefix = `${uniqueId('kill')}.`;
  const topics = new PersonTopicsHarness(prefix);
  const processes: RunningProcess[] = [];
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await topics.close();
    await pool.end();
  });

  async function startService(): Promise<RunningProcess> {
    const service = startProcess('apps/person-service/src/main.ts', {
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
      STAFETT_TOPIC_PREFIX: prefix,
      PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    });
    processes.push(service);
    await service.waitFor('ready', 60_000);
    return service;
  }

  it('should lose nothing and version every change exactly once across a SIGKILL mid-batch', async () => {
    await topics.startReading();
    const first = await startService();

    const people = Array.from({ length: PERSONS }, (_, i) => ({ externalId: `k-${i}`, payload: validPerson(i) }));
    const creates = await topics.importRecords('club-system', people);
    const updates = await topics.importRecords('club-system', people.map((p, i) => ({ ...p, payload: { ...p.payload, email: `moved${i}@example.se` } })));
    const all: PersonImportRecord[] = [...creates, ...updates];

    const resultCount = () => new Set(topics.results.map((r) => r.recordId)).size;
    await waitFor('some results', () => (resultCount() >= 600 ? true : undefined), 60_000, 2);
    expect(await first.kill('SIGKILL')).toBeNull();
    const seenAtKill = resultCount();
    await startService();

    const results = await topics.resultsOf(all, 120_000);
    expect([...results.values()].filter((r) => r.outcome === 'REJECTED')).toEqual([]);

    // Independent consumer's view: per person, one event id per version, versions 1..2 contiguous and in order.
    const ids = new Set([...results.values()].map((r) => r.entityId!));
    await waitFor('both events of every person', () => (new Set(topics.events.filter((e) => ids.has(e.value.entityId)).map((e) => e.value.eventId)).size >= PERSONS * 2 ? true : undefined), 60_000);
    const byEntity = new Map<string, Map<number, Set<string>>>();
    const order = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const { value } of topics.events) {
      if (!ids.has(value.entityId)) continue;
      const versions = byEntity.get(value.entityId) ?? new Map<number, Set<string>>();
      byEntity.set(value.entityId, versions);
      versions.set(value.version, (versions.get(value.version) ?? new Set()).add(value.eventId));
      if (!seen.has(value.eventId)) {
        seen.add(value.eventId);
        order.set(value.entityId, [...(order.get(value.entityId) ?? []), value.version]);
      }
    }
    const problems = [...byEntity].filter(([id, versions]) => versions.size !== 2 || [...versions.values()].some((s) => s.size !== 1) || order.get(id)!.join() !== '1,2');
    expect({ persons: byEntity.size, problems }).toEqual({ persons: PERSONS, problems: [] });

    const { rows } = await pool.query<{ n: string; v: string }>(
      `SELECT count(*) AS n, min(p.version) AS v FROM person.person p JOIN person.external_id e ON e.entity_id = p.id WHERE e.system = 'club-system' AND e.external_id = ANY($1)`,
      [people.map((p) => p.externalId)],
    );
    expect(rows[0]).toEqual({ n: String(PERSONS), v: '2' });

    // Personnummer never reach a log line, whatever the service printed on the way.
    const logs = processes.map((p) => p.output()).join('\n');
    expect(people.filter((p) => logs.includes(p.payload.personalIdentityNumber!)).map((p) => p.externalId)).toEqual([]);
    process.stdout.write(`person-service: killed after ${seenAtKill}/${all.length} results; ${topics.events.length - PERSONS * 2} duplicate event deliveries\n`);
  }, 300_000);
});
