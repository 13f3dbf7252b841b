import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { FeedKind } from '../feeds/feed-kind';

/** The scope every feed shares: names of groups and organisations, and the organisation tree. */
export const ALL_SCOPE = '00000000-0000-0000-0000-000000000000';

export type ScopeKind = FeedKind | 'all';

export interface ProjectedActivity {
  readonly id: string;
  readonly version: number;
  readonly organisationId: string;
  readonly groupId: string | null;
  readonly type: string;
  readonly title: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly location: string | null;
  readonly status: string;
  /** Person ids only. */
  readonly participantIds: readonly string[];
}

export interface ProjectedGroup {
  readonly id: string;
  readonly version: number;
  readonly organisationId: string;
  readonly name: string;
}

export interface ProjectedOrganisation {
  readonly id: string;
  readonly version: number;
  readonly parentId: string | null;
  readonly name: string;
}

export interface ProjectedPerson {
  readonly id: string;
  readonly version: number;
  readonly organisationIds: readonly string[];
}

const ANCESTORS = `
  WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT o.id, o.parent_id, 0 FROM "calendar"."organisation" o WHERE o.id = ANY($1::uuid[])
    UNION
    SELECT o.id, o.parent_id, up.depth + 1 FROM "calendar"."organisation" o JOIN up ON o.id = up.parent_id WHERE up.depth < 32
  )`;

/**
 * The connector's projection of the state topics. Every write is guarded by the entity version (a
 * redelivered or older state changes nothing) and raises the stamps of the feed scopes it changes,
 * in the same transaction: that stamp is what a feed's ETag and cache entry are checked against.
 */
@Injectable()
export class CalendarProjectionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async applyActivity(id: string, version: number, activity: ProjectedActivity | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const old = await this.current<{ version: string; organisation_id: string; group_id: string | null }>(tx, 'activity', id, 'organisation_id, group_id');
      if (old && Number(old.version) >= version) return;
      const oldPersons = old
        ? (await tx.query<{ person_id: string }[]>(`SELECT person_id FROM "calendar"."participation" WHERE activity_id = $1`, [id])).map((r) => r.person_id)
        : [];
      if (activity === null) {
        await tx.query(`DELETE FROM "calendar"."activity" WHERE id = $1`, [id]);
      } else {
        await tx.query(
          `INSERT INTO "calendar"."activity" (id, version, organisation_id, group_id, type, title, starts_at, ends_at, location, status, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
           ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, organisation_id = EXCLUDED.organisation_id, group_id = EXCLUDED.group_id,
             type = EXCLUDED.type, title = EXCLUDED.title, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
             location = EXCLUDED.location, status = EXCLUDED.status, updated_at = now()`,
          [id, version, activity.organisationId, activity.groupId, activity.type, activity.title, activity.startsAt, activity.endsAt, activity.location, activity.status],
        );
        await tx.query(`DELETE FROM "calendar"."participation" WHERE activity_id = $1`, [id]);
        const persons = [...new Set(activity.participantIds)];
        if (persons.length > 0) {
          await tx.query(`INSERT INTO "calendar"."participation" (person_id, activity_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`, [persons, id]);
        }
      }
      const groups = [old?.group_id, activity?.groupId].filter((g): g is string => typeof g === 'string');
      const organisations = [old?.organisation_id, activity?.organisationId].filter((o): o is string => typeof o === 'string');
      const persons = [...oldPersons, ...(activity?.participantIds ?? [])];
      await this.raise(tx, [
        ...groups.map((g) => ['group', g] as const),
        ...(await this.ancestors(tx, organisations)).map((o) => ['organisation', o] as const),
        ...persons.map((p) => ['person', p] as const),
      ]);
    });
  }

  async applyGroup(id: string, version: number, group: ProjectedGroup | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const old = await this.current<{ version: string; organisation_id: string; name: string }>(tx, 'group', id, 'organisation_id, name');
      if (old && Number(old.version) >= version) return;
      if (group === null) {
        await tx.query(`DELETE FROM "calendar"."group" WHERE id = $1`, [id]);
      } else {
        await tx.query(
          `INSERT INTO "calendar"."group" (id, version, organisation_id, name) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, organisation_id = EXCLUDED.organisation_id, name = EXCLUDED.name`,
          [id, version, group.organisationId, group.name],
        );
      }
      // A group's name shows in every feed of its activities (group, organisations, persons): all of them change.
      if (old && (group === null || old.name !== group.name)) await this.raise(tx, [['all', ALL_SCOPE]]);
      else await this.raise(tx, [['group', id]]);
    });
  }

  async applyOrganisation(id: string, version: number, organisation: ProjectedOrganisation | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const old = await this.current<{ version: string; parent_id: string | null; name: string }>(tx, 'organisation', id, 'parent_id, name');
      if (old && Number(old.version) >= version) return;
      if (organisation === null) {
        await tx.query(`DELETE FROM "calendar"."organisation" WHERE id = $1`, [id]);
      } else {
        await tx.query(
          `INSERT INTO "calendar"."organisation" (id, version, parent_id, name) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, parent_id = EXCLUDED.parent_id, name = EXCLUDED.name`,
          [id, version, organisation.parentId, organisation.name],
        );
      }
      // A name or a place in the tree changes what many feeds show (names, subtrees): all of them change.
      const changed = organisation === null || old?.name !== organisation.name || (old?.parent_id ?? null) !== organisation.parentId;
      await this.raise(tx, [old && changed ? ['all', ALL_SCOPE] : ['organisation', id]]);
    });
  }

  /**
   * A slice of person states (every person change of the register passes here, so no statement runs
   * per person; states only are one statement, a slice with tombstones one transaction): the newest
   * version of each id wins, older or equal ones change nothing; a tombstone removes the person's
   * participations and revokes its person feeds (their tokens answer 404 from then on).
   */
  async applyPersons(people: readonly { id: string; version: number; person: ProjectedPerson | null }[]): Promise<void> {
    const latest = new Map<string, { id: string; version: number; person: ProjectedPerson | null }>();
    for (const p of people) if ((latest.get(p.id)?.version ?? 0) <= p.version) latest.set(p.id, p);
    if (latest.size === 0) return;
    // States only (the common case): the version-guarded upsert alone, no transaction, no lookup.
    if ([...latest.values()].every((p) => p.person !== null)) return this.upsertPersons(this.db, [...latest.values()]);
    await this.db.transaction(async (tx) => {
      const kept = new Map(
        (await tx.query<{ id: string; version: string }[]>(`SELECT id, version FROM "calendar"."person" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [[...latest.keys()]])).map(
          (r) => [r.id, Number(r.version)],
        ),
      );
      const fresh = [...latest.values()].filter((p) => (kept.get(p.id) ?? 0) < p.version);
      const gone = fresh.filter((p) => p.person === null).map((p) => p.id);
      const upserts = fresh.filter((p) => p.person !== null);
      if (gone.length > 0) {
        await tx.query(`DELETE FROM "calendar"."person" WHERE id = ANY($1::uuid[])`, [gone]);
        await tx.query(`DELETE FROM "calendar"."participation" WHERE person_id = ANY($1::uuid[])`, [gone]);
        await tx.query(`UPDATE "calendar"."feed" SET revoked_at = now() WHERE kind = 'person' AND target_id = ANY($1::uuid[]) AND revoked_at IS NULL`, [gone]);
        await this.raise(
          tx,
          gone.map((id) => ['person', id] as const),
        );
      }
      if (upserts.length > 0) await this.upsertPersons(tx, upserts);
    });
  }

  /** Person states in one statement; a version not newer than the one kept changes nothing. */
  private async upsertPersons(db: EntityManager | DataSource, upserts: readonly { id: string; version: number; person: ProjectedPerson | null }[]): Promise<void> {
    await db.query(
      `INSERT INTO "calendar"."person" AS p (id, version, organisation_ids)
       SELECT u.id, u.version, u.orgs::uuid[] FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS u(id, version, orgs)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, organisation_ids = EXCLUDED.organisation_ids WHERE p.version < EXCLUDED.version`,
      [upserts.map((p) => p.id), upserts.map((p) => String(p.version)), upserts.map((p) => `{${[...new Set(p.person!.organisationIds)].join(',')}}`)],
    );
  }

  /** The organisations and all their ancestors (bounded by the depth of the tree, never by its size). */
  async ancestors(tx: EntityManager | DataSource, organisationIds: readonly string[]): Promise<string[]> {
    if (organisationIds.length === 0) return [];
    const rows = await tx.query<{ id: string }[]>(`${ANCESTORS} SELECT DISTINCT id FROM up`, [[...new Set(organisationIds)]]);
    return [...new Set([...organisationIds, ...rows.map((r) => r.id)])];
  }

  private async current<R extends { version: string }>(tx: EntityManager, table: string, id: string, columns: string): Promise<R | undefined> {
    const rows = await tx.query<R[]>(`SELECT version, ${columns} FROM "calendar"."${table}" WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  private async raise(tx: EntityManager, scopes: readonly (readonly [ScopeKind, string])[]): Promise<void> {
    const unique = [...new Map(scopes.map(([k, id]) => [`${k}:${id}`, [k, id] as const])).values()].sort(([a, x], [b, y]) => (a + x < b + y ? -1 : 1));
    if (unique.length === 0) return;
    await tx.query(
      `INSERT INTO "calendar"."scope_stamp" (kind, target_id, stamp)
       SELECT k, t, nextval('"calendar"."stamp_seq"') FROM unnest($1::text[], $2::uuid[]) AS s(k, t)
       ON CONFLICT (kind, target_id) DO UPDATE SET stamp = EXCLUDED.stamp`,
      [unique.map(([k]) => k), unique.map(([, id]) => id)],
    );
  }
}
