import type { Pool } from 'pg';
import type { EntityName, Organisation } from '@stafett/contracts';
import { rows } from '@stafett/entity-pipeline';
import { BinaryCopyRows, copyRows, writeByCopy } from '@stafett/persistence';
import type { SqlExecutor } from '@stafett/outbox';
import { isErasure, organisationEdgesOf, toChangeRow, type ChangeRow, type ConsumedChange, type Json } from '../domain/change-row';

/**
 * Appends are serialised by this transaction-level advisory lock, taken before the first seq is
 * drawn and held to the commit: seqs then become visible in order, so a reader that has seen seq n
 * has seen every committed seq below it, and a cursor never skips a change committed late (which two
 * appenders drawing seqs concurrently, e.g. two instances, would allow).
 */
const APPEND_LOCK = 0x5374_6166; // "Staf"

/** Seqs a filtered request looks at, at most, to find its page. */
export const DEFAULT_SCAN = 10_000;

/**
 * One stored event: its bytes as the events topic carried them (`avro`), or, for a row appended
 * before the log kept the bytes, the JSON it was stored as (`event`). Exactly one is set.
 */
export interface StoredChange {
  /** Its position in the log. */
  readonly seq: string;
  readonly entity: EntityName;
  readonly event: Json | null;
  readonly avro: Buffer | null;
}

/** One page of the log: the rows, and the seq a client continues after. */
export interface ChangePage {
  /** Oldest first, each with the entity type of its events topic. */
  readonly changes: StoredChange[];
  /** The last seq this page covers (its last row, or the last row scanned); undefined when nothing was after the cursor. */
  readonly last: bigint | undefined;
}

export interface PageQuery {
  /** Rows with a seq above this. */
  readonly after: bigint;
  readonly entity?: EntityName;
  readonly limit: number;
  /** Only rows whose organisations intersect these (an organisation-scoped key's subtree). */
  readonly organisationIds?: readonly string[];
  /** Seqs looked at per request at most (the page then ends where the scan did); default `limit` unfiltered, 10,000 filtered. */
  readonly scanLimit?: number;
}

/** The SQL of `changes.change` and `changes.organisation_edge`; every method runs on the executor given (a transaction) or the pool. */
export class ChangeLogStore {
  constructor(private readonly pool: Pool) {}

  /** Takes the append lock for the rest of the caller's transaction. */
  async lockAppends(tx: SqlExecutor): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
  }

  /**
   * Appends the events of one entity type in order. An erasure (DELETE with `before: null`) first
   * deletes the entity's earlier rows (those of this batch are never written), and is itself kept
   * with the organisations of the rows it removed, so a scoped client learns of it too. Returns how
   * many rows were appended, and how many of them are erasures.
   */
  async append(tx: SqlExecutor, entity: EntityName, events: readonly ConsumedChange[]): Promise<{ appended: number; erasures: number }> {
    if (events.length === 0) return { appended: 0, erasures: 0 };
    const appended: { row: ChangeRow; erasure: boolean }[] = [];
    for (const event of events) {
      const row = toChangeRow(entity, event);
      if (isErasure(event.value)) {
        // Earlier events of the entity in this batch go with the stored ones; they leave their organisations to the erasure.
        const orgs = new Set<string>();
        for (let i = appended.length - 1; i >= 0; i--) {
          if (appended[i].row.entityId !== row.entityId) continue;
          appended[i].row.organisationIds.forEach((o) => orgs.add(o));
          appended.splice(i, 1);
        }
        for (const o of await this.erase(tx, entity, row.entityId)) orgs.add(o);
        appended.push({ row: { ...row, organisationIds: [...orgs] }, erasure: true });
      } else appended.push({ row, erasure: false });
    }
    const r = appended.map((a) => a.row);
    // A large batch by binary COPY: Postgres takes the rows one at a time instead of copying one
    // large parameter several times, and nothing is turned into text (the event's bytes, its uuids,
    // its timestamp) to be parsed again. COPY keeps the rows' order, so the seqs follow the topic's
    // order as with the INSERT.
    if (writeByCopy(tx, r.length)) {
      const rows = new BinaryCopyRows();
      for (const x of r) rows.row(7).text(entity).uuid(x.entityId).int8(x.version).text(x.op).timestamptz(x.occurredAt).bytea(x.avro).uuidArray(x.organisationIds);
      await copyRows(tx, 'COPY changes.change (entity, entity_id, version, op, occurred_at, avro, organisation_ids) FROM STDIN (FORMAT binary)', rows.end());
    } else await insertChanges(tx, entity, r);
    return { appended: r.length, erasures: appended.filter((a) => a.erasure).length };
  }

  /** Deletes an entity's rows; returns the organisations they named. */
  private async erase(tx: SqlExecutor, entity: EntityName, entityId: string): Promise<string[]> {
    const found = await rows<{ id: string }>(
      tx,
      `WITH gone AS (DELETE FROM changes.change WHERE entity_id = $1 AND entity = $2 RETURNING organisation_ids)
       SELECT DISTINCT unnest(organisation_ids)::text AS id FROM gone`,
      [entityId, entity],
    );
    return found.map((f) => f.id);
  }

  /**
   * Projects the organisation state topic into `organisation_edge`: each organisation of the batch
   * gets the edges its latest state there says (parent and federations); a tombstone (null: the
   * organisation was deleted) removes its edges, also those to the organisations below it. The
   * state topic, not the events topic, because it keeps every organisation however long ago it last
   * changed (the events topic keeps 30 days).
   */
  async projectOrganisations(tx: SqlExecutor, latest: ReadonlyMap<string, Organisation | null>): Promise<void> {
    if (latest.size === 0) return;
    const ids = [...latest.keys()];
    const deleted = ids.filter((id) => latest.get(id) === null);
    const edges = [...latest.values()].flatMap((o) => (o ? organisationEdgesOf(o) : []));
    await tx.query(`DELETE FROM changes.organisation_edge WHERE child_id = ANY($1::uuid[])`, [ids]);
    if (deleted.length > 0) await tx.query(`DELETE FROM changes.organisation_edge WHERE parent_id = ANY($1::uuid[])`, [deleted]);
    if (edges.length > 0) {
      await tx.query(`INSERT INTO changes.organisation_edge (parent_id, child_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`, [
        edges.map((e) => e.parentId),
        edges.map((e) => e.childId),
      ]);
    }
  }

  /**
   * Rows after a seq, oldest first, looking at one window of seqs: from the first row after the
   * cursor (of the entity, when filtered), `scanLimit` seqs on (default: `limit` unfiltered, 10,000
   * filtered). The rows of the window that pass the filters (entity, organisations) make the page, at
   * most `limit`; the page ends at its last row when it is full, else at the last row of the window,
   * so the next request goes on from there. Every request costs one bounded range of the primary key,
   * however busy or quiet the key's organisations are and whatever the table's statistics say (an
   * unANALYZEd table made a `LIMIT n` over `seq > $1` a sequential scan and sort of the whole log).
   */
  async page(query: PageQuery, db: SqlExecutor = this.pool): Promise<ChangePage> {
    const filtered = query.entity !== undefined || query.organisationIds !== undefined;
    const params: unknown[] = [query.after.toString(), query.limit, query.scanLimit ?? (filtered ? DEFAULT_SCAN : query.limit)];
    const byEntity = query.entity === undefined ? '' : `AND entity = $${params.push(query.entity)}`;
    const visible = query.organisationIds === undefined ? 'true' : `organisation_ids && $${params.push(query.organisationIds)}::uuid[]`;
    const found = await rows<{ scanned_to: string | null; full: boolean; seq: string | null; entity: EntityName; event: Json | null; avro: Buffer | null }>(
      db,
      `WITH first AS MATERIALIZED (
         SELECT seq FROM changes.change WHERE seq > $1 ${byEntity} ORDER BY seq LIMIT 1
       ), scanned AS MATERIALIZED (
         SELECT seq, ${visible} AS visible FROM changes.change
          WHERE seq >= (SELECT seq FROM first) AND seq < (SELECT seq FROM first) + $3 ${byEntity}
       ), picked AS MATERIALIZED (
         SELECT seq FROM scanned WHERE visible ORDER BY seq LIMIT $2
       )
       SELECT s.scanned_to, s.full, c.seq, c.entity, c.event, c.avro
         FROM (SELECT max(seq) AS scanned_to, (SELECT count(*) FROM picked) = $2 AS full FROM scanned) s
         LEFT JOIN (picked p JOIN changes.change c ON c.seq = p.seq) ON true
        ORDER BY c.seq`,
      params,
    );
    const hits = found.filter((f) => f.seq !== null);
    const head = found[0];
    if (!head || head.scanned_to === null) return { changes: [], last: undefined };
    const last = head.full ? BigInt(hits[hits.length - 1].seq!) : BigInt(head.scanned_to);
    return { changes: hits.map((h) => ({ seq: h.seq!, entity: h.entity, event: h.event, avro: h.avro })), last };
  }

  /** Deletes up to `batch` rows that occurred before `cutoff`, oldest first; returns how many. */
  async deleteBefore(cutoff: Date, batch: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM changes.change WHERE seq = ANY (ARRAY(SELECT seq FROM changes.change WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2))`,
      [cutoff.toISOString(), batch],
    );
    return result.rowCount ?? 0;
  }

  /** Frees the deleted rows' space for new ones (autovacuum may be off); never waits for the lock that shrinking the file takes. */
  async vacuum(): Promise<void> {
    await this.pool.query('VACUUM (TRUNCATE false) changes.change');
  }
}

/** A small batch of change rows in one INSERT. */
async function insertChanges(tx: SqlExecutor, entity: EntityName, r: readonly ChangeRow[]): Promise<void> {
  // The columns as typed arrays and the events' bytes as one binary parameter (node-pg sends a
  // Buffer as binary: no hex or array escaping) that Postgres cuts into rows by offset and length.
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1; // substring() counts from 1
  for (const x of r) {
    offsets.push(at);
    lengths.push(x.avro.length);
    at += x.avro.length;
  }
  await tx.query(
    `INSERT INTO changes.change (entity, entity_id, version, op, occurred_at, avro, organisation_ids)
     SELECT $1, u.i, u.v, u.o, u.t, substring($7::bytea FROM u.s FOR u.l), u.g::uuid[]
       FROM ROWS FROM (unnest($2::uuid[]), unnest($3::bigint[]), unnest($4::text[]), unnest($5::timestamptz[]), unnest($6::text[]), unnest($8::int[]), unnest($9::int[]))
            WITH ORDINALITY AS u(i, v, o, t, g, s, l, ord)
      ORDER BY u.ord`,
    [
      entity,
      r.map((x) => x.entityId),
      r.map((x) => String(x.version)),
      r.map((x) => x.op),
      r.map((x) => x.occurredAt.toISOString()),
      r.map((x) => `{${x.organisationIds.join(',')}}`),
      Buffer.concat(r.map((x) => x.avro), at - 1),
      offsets,
      lengths,
    ],
  );
}
