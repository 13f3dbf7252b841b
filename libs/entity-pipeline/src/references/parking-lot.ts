import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import { rows } from '../database/sql';

/** An import record parked until an entity it references appears. */
export interface ParkedRecord {
  readonly recordId: string;
  readonly system: string;
  readonly externalId: string;
  /** The import record, Avro-encoded with the entity's ImportRecord schema (no registry framing). */
  readonly record: Buffer;
  /** The organisation scope of the key it came with (null: global). */
  readonly scope: string | null;
  readonly deadline: Date;
  /** Its wait is over (by the database's clock): an unknown reference now rejects it. */
  readonly final: boolean;
  readonly attempts: number;
}

export interface ParkRequest {
  readonly recordId: string;
  readonly system: string;
  readonly externalId: string;
  readonly record: Buffer;
  readonly scope: string | null;
  /** The reference keys whose appearance should retry it (none: it waits behind an earlier record of its source id). */
  readonly refKeys: readonly string[];
}

/** Backoff of the retries of a parked record: 1 s, 2 s, 4 s … at most a minute (its keys appearing retries it at once). */
export const retryDelayMs = (attempts: number): number => Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));

/**
 * `<schema>.parked_record` / `parked_reference`: import records refused only because a referenced
 * entity is not known yet. Parked in the transaction that would have applied them (with the
 * partition's offset), retried with backoff and at once when one of their keys appears, and
 * rejected with UNKNOWN_REFERENCE at their deadline. A later record of the same source id waits
 * behind a parked one, so a source's records still apply in order.
 */
export class ParkingLot {
  private readonly records: string;
  private readonly refs: string;

  constructor(schema: string) {
    const s = quoteIdent(schema);
    this.records = `${s}.parked_record`;
    this.refs = `${s}.parked_reference`;
  }

  /** Whether anything is parked (one probe; most batches stop here). */
  async any(tx: SqlExecutor): Promise<boolean> {
    const [r] = await rows<{ any: boolean }>(tx, `SELECT EXISTS (SELECT 1 FROM ${this.records}) AS any`, []);
    return r?.any === true;
  }

  /** The source ids (`system␀externalId`) among `links` that have a parked record other than `except`. */
  async parkedLinks(tx: SqlExecutor, links: readonly { system: string; externalId: string }[], except: readonly string[]): Promise<Set<string>> {
    if (links.length === 0) return new Set();
    const found = await rows<{ system: string; external_id: string }>(
      tx,
      `SELECT DISTINCT system, external_id FROM ${this.records} WHERE (system, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND NOT (record_id = ANY($3::uuid[]))`,
      [links.map((l) => l.system), links.map((l) => l.externalId), except],
    );
    return new Set(found.map((r) => `${r.system}\u0000${r.external_id}`));
  }

  /** Parks records (a record parked before keeps its deadline and counts one more attempt); times by the database's clock. */
  async park(tx: SqlExecutor, items: readonly ParkRequest[], waitMs: number): Promise<void> {
    if (items.length === 0) return;
    const ids = items.map((i) => i.recordId);
    await tx.query(
      `INSERT INTO ${this.records} AS p (record_id, system, external_id, record, scope, parked_at, deadline, next_attempt)
       SELECT u.id, u.system, u.external_id, u.record, u.scope, now(), now() + $6 * interval '1 millisecond', now() + $7 * interval '1 millisecond' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::uuid[]) WITH ORDINALITY AS u(id, system, external_id, record, scope, n) ORDER BY u.n
       ON CONFLICT (record_id) DO UPDATE SET attempts = p.attempts + 1, next_attempt = LEAST(p.deadline, now() + make_interval(secs => LEAST(60, power(2, p.attempts))))`,
      [ids, items.map((i) => i.system), items.map((i) => i.externalId), items.map((i) => i.record), items.map((i) => i.scope), waitMs, retryDelayMs(1)],
    );
    await tx.query(`DELETE FROM ${this.refs} WHERE record_id = ANY($1::uuid[])`, [ids]);
    const refs = items.flatMap((i) => i.refKeys.map((k) => ({ id: i.recordId, key: k })));
    if (refs.length > 0) {
      await tx.query(`INSERT INTO ${this.refs} (ref_key, record_id) SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING`, [
        refs.map((r) => r.key),
        refs.map((r) => r.id),
      ]);
    }
  }

  /** Removes records that left the lot (applied or rejected), and retries at once the records waiting behind them. */
  async release(tx: SqlExecutor, recordIds: readonly string[]): Promise<void> {
    if (recordIds.length === 0) return;
    await tx.query(`DELETE FROM ${this.refs} WHERE record_id = ANY($1::uuid[])`, [recordIds]);
    const gone = await rows<{ system: string; external_id: string }>(tx, `DELETE FROM ${this.records} WHERE record_id = ANY($1::uuid[]) RETURNING system, external_id`, [
      recordIds,
    ]);
    if (gone.length > 0) {
      await tx.query(`UPDATE ${this.records} SET next_attempt = now() WHERE (system, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND next_attempt > now()`, [
        gone.map((g) => g.system),
        gone.map((g) => g.external_id),
      ]);
    }
  }

  /**
   * Retries at once the records waiting for one of `keys` (entities that just appeared); returns how
   * many. Rows a retry round holds are skipped (it is retrying them now), so the write path never
   * waits on the retrier's locks in the opposite order.
   */
  async wake(tx: SqlExecutor, keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const woken = await rows<{ record_id: string }>(
      tx,
      `UPDATE ${this.records} SET next_attempt = now() WHERE record_id IN (
         SELECT p.record_id FROM ${this.records} p JOIN ${this.refs} r ON r.record_id = p.record_id WHERE r.ref_key = ANY($1::text[]) AND p.next_attempt > now() FOR UPDATE OF p SKIP LOCKED
       ) RETURNING record_id`,
      [keys],
    );
    return woken.length;
  }

  /** Records due for a retry (oldest first), row-locked; others' locked rows are skipped. */
  async due(tx: SqlExecutor, limit: number): Promise<ParkedRecord[]> {
    const found = await rows<{
      record_id: string;
      seq: string;
      system: string;
      external_id: string;
      record: Buffer;
      scope: string | null;
      deadline: Date;
      final: boolean;
      attempts: number;
    }>(
      tx,
      `SELECT record_id, seq, system, external_id, record, scope, deadline, deadline <= now() AS final, attempts FROM ${this.records} WHERE next_attempt <= now() ORDER BY next_attempt LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    // Applied in the order they were parked: a source id's records keep their order within a round.
    found.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    return found.map((r) => ({
      recordId: r.record_id,
      system: r.system,
      externalId: r.external_id,
      record: r.record,
      scope: r.scope,
      deadline: r.deadline,
      final: r.final,
      attempts: r.attempts,
    }));
  }

  /** How many records are parked (a gauge). */
  async count(tx: SqlExecutor): Promise<number> {
    const [r] = await rows<{ n: number }>(tx, `SELECT count(*)::int AS n FROM ${this.records}`, []);
    return r?.n ?? 0;
  }

  /** The lot's dead rows (autovacuum may be off); outside a transaction. */
  async vacuum(db: SqlExecutor): Promise<void> {
    await db.query(`VACUUM (TRUNCATE false) ${this.records}, ${this.refs}`);
  }
}
