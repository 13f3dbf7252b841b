import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import { rows } from '../database/sql';
import type { ForeignReference, KnownEntity, ProjectedEntity } from '../domain/entity-rules.port';
import { projectionFacts, type ProjectionFacts } from './projection-facts';
import { foreignNaturalKeyOf, idKey, isUuid, linkRefKey, naturalHashKey, type ReferenceKeys } from './reference-keys';

/** One record of a foreign entity's state topic: its state, or null for a tombstone. */
export interface ProjectedState {
  readonly id: string;
  readonly version: number;
  readonly state: Record<string, unknown> | null;
}

/** What applying state records changed: the entities kept, those removed by tombstones, and the reference keys (id, links, natural key) now known. */
export interface ProjectionApplied {
  readonly upserted: readonly string[];
  readonly removed: readonly string[];
  readonly keys: readonly string[];
}

interface KnownRow {
  entity: ProjectedEntity;
  id: string;
  version: string;
  type: string | null;
  organisation_ids: string[];
}

const known = (r: KnownRow): KnownEntity => ({ entity: r.entity, id: r.id, version: Number(r.version), type: r.type, organisationIds: r.organisation_ids });

/** The `known_entity` columns of upserted states, as the arrays `$2…$6` of the upsert statements. */
const knownColumns = (upserts: readonly { id: string; version: number; facts: ProjectionFacts; hash: string | null }[]) => [
  upserts.map((u) => u.id),
  upserts.map((u) => String(u.version)),
  upserts.map((u) => u.hash),
  upserts.map((u) => u.facts.type),
  upserts.map((u) => `{${u.facts.organisationIds.filter(isUuid).join(',')}}`),
];

/**
 * This service's projection of other entities' state topics (`known_entity`, `known_link`,
 * `organisation_edge` in its schema): written by the projection consumer, read in batches by the
 * write path to resolve references. Every lookup is an index probe per reference.
 */
export class ReferenceProjection {
  private readonly known: string;
  private readonly links: string;
  private readonly edges: string;

  constructor(
    schema: string,
    readonly keys: ReferenceKeys,
  ) {
    const s = quoteIdent(schema);
    this.known = `${s}.known_entity`;
    this.links = `${s}.known_link`;
    this.edges = `${s}.organisation_edge`;
  }

  /**
   * Applies state records of one entity kind (in topic order; a version not newer than the one
   * kept is skipped). Returns what changed: the states kept and the ids removed by tombstones, and
   * the reference keys (id, links, natural key) of the entities that are now known.
   */
  async apply(tx: SqlExecutor, entity: ProjectedEntity, records: readonly ProjectedState[]): Promise<ProjectionApplied> {
    const latest = new Map<string, ProjectedState>();
    for (const r of records) {
      const before = latest.get(r.id);
      if (!before || r.version >= before.version) latest.set(r.id, r);
    }
    const ids = [...latest.keys()].filter(isUuid);
    if (ids.length === 0) return { upserted: [], removed: [], keys: [] };
    if (entity !== 'organisation' && ids.every((id) => latest.get(id)!.state !== null)) return this.upsertStates(tx, entity, ids.map((id) => latest.get(id)!));
    const current = new Map(
      (
        await rows<{ id: string; version: string; removed: boolean }>(tx, `SELECT id, version, removed FROM ${this.known} WHERE entity = $1 AND id = ANY($2::uuid[])`, [
          entity,
          ids,
        ])
      ).map((r) => [r.id, { version: Number(r.version), removed: r.removed }]),
    );
    const upserts: { id: string; version: number; facts: ReturnType<typeof projectionFacts>; hash: string | null }[] = [];
    const removed: string[] = [];
    // A tombstone is kept as a removed row with its version: an older state coming again (the relay
    // is at-least-once) must not bring the entity back.
    const tombstones: { id: string; version: number }[] = [];
    for (const id of ids) {
      const r = latest.get(id)!;
      const kept = current.get(id);
      if (kept !== undefined && r.version <= kept.version) continue;
      if (r.state === null) {
        tombstones.push({ id, version: r.version });
        if (kept !== undefined && !kept.removed) removed.push(id);
      } else {
        const facts = projectionFacts(entity, r.state);
        // The keyed hash once per entity: it is both the stored natural key and the wake key.
        upserts.push({ id, version: r.version, facts, hash: facts.naturalKey === null ? null : this.keys.hash(facts.naturalKey) });
      }
    }
    const touched = [...upserts.map((u) => u.id), ...removed];
    if (touched.length > 0) {
      await tx.query(`DELETE FROM ${this.links} WHERE entity = $1 AND id = ANY($2::uuid[])`, [entity, touched]);
      if (entity === 'organisation') await tx.query(`DELETE FROM ${this.edges} WHERE child_id = ANY($1::uuid[])`, [touched]);
    }
    if (tombstones.length > 0) {
      await tx.query(
        `INSERT INTO ${this.known} AS k (entity, id, version, removed) SELECT $1, * , true FROM unnest($2::uuid[], $3::bigint[])
         ON CONFLICT (entity, id) DO UPDATE SET version = EXCLUDED.version, removed = true, natural_key = NULL, type = NULL, organisation_ids = '{}'`,
        [entity, tombstones.map((t) => t.id), tombstones.map((t) => String(t.version))],
      );
    }
    const keys: string[] = [];
    if (upserts.length > 0) {
      await tx.query(
        `INSERT INTO ${this.known} (entity, id, version, natural_key, type, organisation_ids)
         SELECT $1, u.id, u.version, u.natural_key, u.type, u.orgs::uuid[] FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(id, version, natural_key, type, orgs)
         ON CONFLICT (entity, id) DO UPDATE SET version = EXCLUDED.version, natural_key = EXCLUDED.natural_key, type = EXCLUDED.type, organisation_ids = EXCLUDED.organisation_ids, removed = false`,
        [entity, ...knownColumns(upserts)],
      );
      const links = upserts.flatMap((u) => u.facts.externalIds.map((e) => ({ id: u.id, system: e.system, externalId: e.id })));
      if (links.length > 0) {
        await tx.query(
          `INSERT INTO ${this.links} (entity, system, external_id, id) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[])
           ON CONFLICT (entity, system, external_id) DO UPDATE SET id = EXCLUDED.id`,
          [entity, links.map((l) => l.system), links.map((l) => l.externalId), links.map((l) => l.id)],
        );
      }
      if (entity === 'organisation') {
        const edges = upserts.flatMap((u) => u.facts.organisationIds.filter(isUuid).map((parent) => ({ parent, child: u.id })));
        if (edges.length > 0) {
          await tx.query(`INSERT INTO ${this.edges} (parent_id, child_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`, [
            edges.map((e) => e.parent),
            edges.map((e) => e.child),
          ]);
        }
      }
      for (const u of upserts) {
        keys.push(idKey(entity, u.id));
        for (const e of u.facts.externalIds) keys.push(linkRefKey(entity, e.system, e.id));
        if (u.hash !== null) keys.push(naturalHashKey(entity, u.hash));
      }
    }
    return { upserted: upserts.map((u) => u.id), removed, keys };
  }

  /**
   * The common case (states only, of an entity without tree edges: every person change passes here)
   * in one statement instead of four: the version-guarded upsert returns the entities it applied;
   * only those that existed before can have links to drop (those no applied entity of the batch
   * claims), and the links of the applied ones are written where they differ. New entities cost no
   * lookup and no delete. The two link sub-statements touch disjoint rows (a link is either claimed
   * by an applied entity of the batch or not), as one statement requires.
   */
  private async upsertStates(tx: SqlExecutor, entity: ProjectedEntity, states: readonly ProjectedState[]): Promise<ProjectionApplied> {
    const upserts = states.map((r) => {
      const facts = projectionFacts(entity, r.state!);
      // The keyed hash once per entity: it is both the stored natural key and the wake key.
      return { id: r.id, version: r.version, facts, hash: facts.naturalKey === null ? null : this.keys.hash(facts.naturalKey) };
    });
    // A link claimed twice in the batch goes to the last entity that claims it (one row per link).
    const links = new Map<string, { system: string; externalId: string; id: string }>();
    for (const u of upserts) for (const e of u.facts.externalIds) links.set(`${e.system}\u0000${e.id}`, { system: e.system, externalId: e.id, id: u.id });
    const applied = await rows<{ id: string }>(
      tx,
      `WITH u AS (SELECT * FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(id, version, natural_key, type, orgs)),
       up AS (
         INSERT INTO ${this.known} AS k (entity, id, version, natural_key, type, organisation_ids)
         SELECT $1, u.id, u.version, u.natural_key, u.type, u.orgs::uuid[] FROM u
         ON CONFLICT (entity, id) DO UPDATE SET version = EXCLUDED.version, natural_key = EXCLUDED.natural_key, type = EXCLUDED.type,
           organisation_ids = EXCLUDED.organisation_ids, removed = false
         WHERE k.version < EXCLUDED.version
         RETURNING k.id, k.xmax <> 0 AS existed),
       l AS (SELECT l.* FROM unnest($7::text[], $8::text[], $9::uuid[]) AS l(system, external_id, id) JOIN up USING (id)),
       dropped AS (
         DELETE FROM ${this.links} x WHERE x.entity = $1 AND x.id = ANY(ARRAY(SELECT id FROM up WHERE existed))
           AND NOT EXISTS (SELECT 1 FROM l WHERE l.system = x.system AND l.external_id = x.external_id)),
       linked AS (
         INSERT INTO ${this.links} AS x (entity, system, external_id, id) SELECT $1, l.system, l.external_id, l.id FROM l
         ON CONFLICT (entity, system, external_id) DO UPDATE SET id = EXCLUDED.id WHERE x.id <> EXCLUDED.id)
       SELECT id FROM up`,
      [
        entity,
        ...knownColumns(upserts),
        [...links.values()].map((l) => l.system),
        [...links.values()].map((l) => l.externalId),
        [...links.values()].map((l) => l.id),
      ],
    );
    const done = new Set(applied.map((r) => r.id));
    const keys: string[] = [];
    const upserted: string[] = [];
    for (const u of upserts) {
      if (!done.has(u.id.toLowerCase())) continue;
      upserted.push(u.id);
      keys.push(idKey(entity, u.id));
      for (const e of u.facts.externalIds) keys.push(linkRefKey(entity, e.system, e.id));
      if (u.hash !== null) keys.push(naturalHashKey(entity, u.hash));
    }
    return { upserted, removed: [], keys };
  }

  /** Resolves references to foreign entities, in at most three queries: reference key → what is known of the entity. */
  async lookup(tx: SqlExecutor, refs: readonly ForeignReference[]): Promise<Map<string, KnownEntity>> {
    const byId = new Map<string, { entity: string; id: string }>();
    const byLink = new Map<string, { entity: string; system: string; externalId: string }>();
    const byKey = new Map<string, { entity: string; hash: string }>();
    for (const { entity, ref } of refs) {
      const key = this.keys.of(entity, ref, (r) => foreignNaturalKeyOf(entity, r));
      if (!key) continue;
      if (ref.id) byId.set(key, { entity, id: ref.id.toLowerCase() });
      else if (ref.system && ref.externalId) byLink.set(key, { entity, system: ref.system, externalId: ref.externalId });
      else byKey.set(key, { entity, hash: this.keys.hash(foreignNaturalKeyOf(entity, ref)!) });
    }
    const found = new Map<string, KnownEntity>();
    const columns = `k.entity, k.id, k.version, k.type, k.organisation_ids`;
    if (byId.size > 0) {
      const list = [...byId.values()];
      const got = await rows<KnownRow>(tx, `SELECT ${columns} FROM ${this.known} k WHERE (k.entity, k.id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) AND NOT k.removed`, [
        list.map((r) => r.entity),
        list.map((r) => r.id),
      ]);
      for (const r of got) found.set(idKey(r.entity, r.id), known(r));
    }
    if (byLink.size > 0) {
      const list = [...byLink.values()];
      const got = await rows<KnownRow & { system: string; external_id: string }>(
        tx,
        `SELECT ${columns}, l.system, l.external_id FROM ${this.links} l JOIN ${this.known} k ON k.entity = l.entity AND k.id = l.id
         WHERE (l.entity, l.system, l.external_id) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[])) AND NOT k.removed`,
        [list.map((r) => r.entity), list.map((r) => r.system), list.map((r) => r.externalId)],
      );
      for (const r of got) {
        found.set(linkRefKey(r.entity, r.system, r.external_id), known(r));
        found.set(idKey(r.entity, r.id), known(r));
      }
    }
    if (byKey.size > 0) {
      const list = [...byKey.entries()];
      const got = await rows<KnownRow & { natural_key: string }>(
        tx,
        `SELECT ${columns}, k.natural_key FROM ${this.known} k WHERE (k.entity, k.natural_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [list.map(([, r]) => r.entity), list.map(([, r]) => r.hash)],
      );
      const keyOf = new Map(list.map(([key, r]) => [`${r.entity}\u0000${r.hash}`, key]));
      for (const r of got) {
        const key = keyOf.get(`${r.entity}\u0000${r.natural_key}`);
        if (key) found.set(key, known(r));
        found.set(idKey(r.entity, r.id), known(r));
      }
    }
    return found;
  }
}
