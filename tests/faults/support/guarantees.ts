import { contractType, IMPORT_RESULT_CONTRACT, type ImportOutcome, type ImportResult, type PersonImportRecord } from '@stafett/contracts';
import { DLQ_HEADERS, type ConsumedMessage } from '@stafett/kafka';
import type { FaultScenario } from './fault-scenario';

/** What a scenario expects to find once the dust settled. */
export interface Expectation {
  /** Every record that must have exactly one result (and no other record may have one). */
  readonly records: readonly PersonImportRecord[];
  /** Versions each person must have, by external id: events 1..n, `person.version` = n. */
  readonly versions: ReadonlyMap<string, number>;
  /** Outcome each record must have; default: none REJECTED. */
  readonly outcome?: (record: PersonImportRecord) => ImportOutcome;
}

export interface Ledger {
  /** Every way the topics and the database break DESIGN §4 (empty = none). */
  readonly problems: string[];
  /** Event records on the topic (each offset once) and distinct event ids among them. */
  readonly eventDeliveries: number;
  readonly distinctEvents: number;
  /** Result records on the topic and distinct result rows (outbox `id` header) among them. */
  readonly resultDeliveries: number;
  readonly distinctResults: number;
  /** Import records applied in Postgres (`person.consumer_offset`, summed over partitions). */
  readonly processed: number;
  /** `version` of every person of the scenario's source, by external id. */
  readonly dbVersions: ReadonlyMap<string, number>;
}

/** Each record once, in (partition, offset) order: the harness's own consumer may read a record twice after a broker restart. */
function onceByOffset<T>(items: readonly T[], messageOf: (item: T) => ConsumedMessage): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const m = messageOf(item);
    const at = `${m.topic}/${m.partition}/${m.offset}`;
    if (!seen.has(at)) seen.set(at, item);
  }
  return [...seen.values()].sort((a, b) => {
    const [x, y] = [messageOf(a), messageOf(b)];
    return x.partition - y.partition || Number(BigInt(x.offset) - BigInt(y.offset));
  });
}

const header = (m: ConsumedMessage, name: string) => m.headers[name]?.toString();

/** Polls `probe` until it holds or `ms` passed; says which. */
async function settles(probe: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise((r) => setTimeout(r, 100))) if (await probe()) return true;
  return probe();
}

/** How long the topics may lag behind a drained outbox before what is missing counts as lost. */
const TOPIC_GRACE_MS = 20_000;

/**
 * Waits (bounded) until the service consumed every import record and the relay drained the
 * outbox, gives the topics a grace period to show them, lets stragglers arrive, then checks
 * DESIGN §4 on what an independent consumer sees and on the database:
 * - nothing lost: a result for every record, an event for every version, a row per person;
 * - nothing applied twice: one result row per record, one event id per (entity, version),
 *   `person.version` = the last event's version, `person.consumer_offset` covers the records;
 * - per entity, versions 1..n contiguous and (first delivery of each event id) in order;
 * - duplicate deliveries (at-least-once) are byte-identical copies of one event.
 * Problems come back summarised by kind, then the first few in full.
 */
export async function settleAndCheck(s: FaultScenario, expected: Expectation, timeoutMs = 180_000): Promise<Ledger> {
  const h = s.topics;
  const wantedEvents = [...expected.versions.values()].reduce((a, b) => a + b, 0);
  const wantedIds = new Set(expected.records.map((r) => r.recordId));
  // Done: the group committed every import record (applied or dead-lettered) and the relay drained the outbox.
  const done = async () => {
    try {
      return (await s.consumerLag()) === 0 && (await s.outboxBacklog()) === 0;
    } catch {
      return false; // a restarted broker or database answers again soon
    }
  };
  if (!(await settles(done, timeoutMs))) throw new Error(`the service did not consume every record and drain its outbox in ${timeoutMs} ms\n${await s.diagnose()}`);
  await settles(
    () => new Set(h.results.filter((r) => wantedIds.has(r.recordId)).map((r) => r.recordId)).size >= wantedIds.size && new Set(h.events.map((e) => e.value.eventId)).size >= wantedEvents,
    TOPIC_GRACE_MS,
  ); // what is still missing now is reported as lost below
  await new Promise((r) => setTimeout(r, 1_500)); // anything still in flight (extra versions, duplicates) arrives now

  const problems: string[] = [];
  const wanted = new Map(expected.records.map((r) => [r.recordId, r]));

  // Results: one result row per expected record, none for anything else.
  const resultType = contractType(IMPORT_RESULT_CONTRACT);
  const resultMessages = onceByOffset(h.raw.filter((m) => m.topic === h.names.importResults), (m) => m);
  const rowsByRecord = new Map<string, Set<string>>();
  const resultByRecord = new Map<string, ImportResult>();
  for (const m of resultMessages) {
    const r = await h.serde.decode<ImportResult>(m.value!, resultType);
    rowsByRecord.set(r.recordId, (rowsByRecord.get(r.recordId) ?? new Set()).add(header(m, 'id') ?? `offset:${m.offset}`));
    resultByRecord.set(r.recordId, r);
  }
  for (const [recordId, rows] of rowsByRecord) {
    if (!wanted.has(recordId)) problems.push(`record ${recordId}: has a result but must have none`);
    else if (rows.size !== 1) problems.push(`record ${recordId} (${wanted.get(recordId)!.externalId}): ${rows.size} distinct results (applied more than once)`);
  }
  const entityOf = new Map<string, string>();
  for (const record of expected.records) {
    const r = resultByRecord.get(record.recordId);
    if (!r) {
      problems.push(`record ${record.recordId} (${record.externalId}): no result (lost)`);
      continue;
    }
    const outcome = expected.outcome?.(record);
    if (outcome ? r.outcome !== outcome : r.outcome === 'REJECTED') {
      problems.push(`record ${record.recordId} (${record.externalId}): outcome ${r.outcome}${outcome ? `, expected ${outcome}` : ''} ${JSON.stringify(r.reasons ?? [])}`);
    }
    if (r.entityId) {
      const known = entityOf.get(record.externalId);
      if (known && known !== r.entityId) problems.push(`external id ${record.externalId}: results name two persons ${known} and ${r.entityId}`);
      entityOf.set(record.externalId, r.entityId);
    }
  }

  // Events: per entity, one event id per version, 1..n, in order; duplicates byte-identical.
  const events = onceByOffset(h.events, (e) => e.message);
  const versionsOf = new Map<string, Map<number, Set<string>>>();
  const firstSeenOrder = new Map<string, number[]>();
  const bytesOf = new Map<string, Buffer>();
  for (const { message, value } of events) {
    const versions = versionsOf.get(value.entityId) ?? new Map<number, Set<string>>();
    versionsOf.set(value.entityId, versions);
    versions.set(value.version, (versions.get(value.version) ?? new Set()).add(value.eventId));
    const first = bytesOf.get(value.eventId);
    if (!first) {
      bytesOf.set(value.eventId, message.value!);
      firstSeenOrder.set(value.entityId, [...(firstSeenOrder.get(value.entityId) ?? []), value.version]);
    } else if (!first.equals(message.value!)) {
      problems.push(`event ${value.eventId}: two deliveries with different bytes`);
    }
  }
  const expectedEntities = new Set<string>();
  for (const [externalId, n] of expected.versions) {
    const entityId = entityOf.get(externalId);
    if (!entityId) {
      problems.push(`person ${externalId}: no entity id in its results`);
      continue;
    }
    expectedEntities.add(entityId);
    const versions = versionsOf.get(entityId) ?? new Map<number, Set<string>>();
    const want = Array.from({ length: n }, (_, i) => i + 1).join();
    const have = [...versions.keys()].sort((a, b) => a - b).join();
    if (have !== want) problems.push(`person ${externalId}: versions [${have}] on the topic, expected [${want}]`);
    for (const [version, ids] of versions) if (ids.size !== 1) problems.push(`person ${externalId}: version ${version} has ${ids.size} event ids`);
    const order = firstSeenOrder.get(entityId)?.join();
    if (have === want && order !== want) problems.push(`person ${externalId}: events delivered in order [${order}]`);
  }
  for (const entityId of versionsOf.keys()) if (!expectedEntities.has(entityId)) problems.push(`entity ${entityId}: events on the topic for a person no record created`);

  // Database: one row per person at the last event's version; the stored offsets cover the records.
  const { rows } = await s.db().query<{ external_id: string; id: string; version: string }>(
    'SELECT e.external_id, p.id, p.version FROM person.person p JOIN person.external_id e ON e.entity_id = p.id WHERE e.system = $1',
    [s.system],
  );
  const dbVersions = new Map(rows.map((r) => [r.external_id, Number(r.version)]));
  for (const [externalId, n] of expected.versions) {
    const row = rows.find((r) => r.external_id === externalId);
    if (!row) problems.push(`person ${externalId}: not in the database`);
    else if (Number(row.version) !== n || row.id !== entityOf.get(externalId)) problems.push(`person ${externalId}: database has ${row.id} v${row.version}, expected ${entityOf.get(externalId)} v${n}`);
  }
  for (const r of rows) if (!expected.versions.has(r.external_id)) problems.push(`person ${r.external_id}: in the database but no record should have created it`);
  const processed = Number((await s.db().query<{ n: string }>('SELECT coalesce(sum(next_offset), 0) AS n FROM person.consumer_offset')).rows[0].n);
  if (processed < wanted.size) problems.push(`person.consumer_offset covers ${processed} import records, fewer than the ${wanted.size} applied`);

  const distinctResults = [...rowsByRecord.values()].reduce((n, s) => n + s.size, 0);
  return { problems: summarise(problems), eventDeliveries: events.length, distinctEvents: bytesOf.size, resultDeliveries: resultMessages.length, distinctResults, processed, dbVersions };
}

/** Many problems of a few kinds: a count per kind (the text after the subject), then the first 15 in full. */
function summarise(problems: readonly string[]): string[] {
  if (problems.length <= 15) return [...problems];
  const kinds = new Map<string, number>();
  for (const p of problems) {
    const kind = p.replace(/^(record|person|entity|event|DLQ record|poison at) \S+( \([^)]*\))?: /, '$1: ').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '…').replace(/\d+/g, 'N');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...[...kinds].map(([kind, n]) => `${n} × ${kind}`), ...problems.slice(0, 15), `… and ${problems.length - 15} more`];
}

/** Versions per external id: every item of every wave is one more version of its person. */
export function versionsAfter(...waves: readonly (readonly { externalId: string }[])[]): Map<string, number> {
  const versions = new Map<string, number>();
  for (const wave of waves) for (const item of wave) versions.set(item.externalId, (versions.get(item.externalId) ?? 0) + 1);
  return versions;
}

/** A message that must end in the DLQ, and the error codes it may carry there. */
export interface Poison {
  readonly key: string;
  readonly value: Buffer;
  readonly codes: readonly string[];
}

/**
 * Gives the DLQ a grace period to hold as many records as there is poison, then checks that it
 * holds exactly the poison: each DLQ record points (`stafett.dlq.original.*` headers) at a record
 * of the imports topic that is poison, with the same key and bytes and an expected error code, and
 * every poison record is there once. `imports` is an independent reader's view of the imports topic.
 */
export async function checkDeadLetters(s: FaultScenario, imports: readonly ConsumedMessage[], produced: number, poison: readonly Poison[], timeoutMs = 60_000): Promise<{ problems: string[]; codes: Record<string, number> }> {
  const h = s.topics;
  const dlq = () => onceByOffset(h.raw.filter((m) => m.topic === h.names.dlq), (m) => m);
  await s.until(`${produced} records on the imports topic`, () => imports.length >= produced, timeoutMs);
  // Called once the valid records around the poison are applied: what is not in the DLQ by now is lost.
  await settles(() => dlq().length >= poison.length, TOPIC_GRACE_MS);
  await new Promise((r) => setTimeout(r, 1_500)); // anything dead-lettered by mistake arrives now

  const problems: string[] = [];
  const poisonByBytes = new Map(poison.map((p) => [p.value.toString('hex'), p]));
  const byPosition = new Map(onceByOffset(imports, (m) => m).map((m) => [`${m.topic}/${m.partition}/${m.offset}`, m]));
  const poisonPositions = new Set([...byPosition].filter(([, m]) => m.value && poisonByBytes.has(m.value.toString('hex'))).map(([at]) => at));
  if (poisonPositions.size !== poison.length) problems.push(`${poisonPositions.size} poison records found on the imports topic, ${poison.length} produced`);
  const codes: Record<string, number> = {};
  const dead = new Map<string, number>();
  for (const m of dlq()) {
    const at = `${header(m, DLQ_HEADERS.topic)}/${header(m, DLQ_HEADERS.partition)}/${header(m, DLQ_HEADERS.offset)}`;
    dead.set(at, (dead.get(at) ?? 0) + 1);
    const code = header(m, DLQ_HEADERS.errorCode) ?? '';
    codes[code] = (codes[code] ?? 0) + 1;
    const original = byPosition.get(at);
    const p = original?.value ? poisonByBytes.get(original.value.toString('hex')) : undefined;
    if (!original) problems.push(`DLQ record points at ${at}, which is not on the imports topic`);
    else if (!p) problems.push(`DLQ record ${at} (${code}): a valid record was dead-lettered`);
    else {
      if (!m.value?.equals(original.value!) || m.key?.toString() !== original.key?.toString()) problems.push(`DLQ record ${at}: key or bytes differ from the original`);
      if (!p.codes.includes(code)) problems.push(`DLQ record ${at}: code ${code}, expected ${p.codes.join(' or ')}`);
    }
  }
  for (const at of poisonPositions) if (dead.get(at) !== 1) problems.push(`poison at ${at}: ${dead.get(at) ?? 0} DLQ records, expected 1`);
  return { problems: summarise(problems), codes };
}
