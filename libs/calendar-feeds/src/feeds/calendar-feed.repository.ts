import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ALL_SCOPE } from '../projection/calendar-projection.repository';
import type { FeedActivity } from './feed-renderer';
import type { FeedKind } from './feed-kind';

export interface FeedRow {
  readonly id: string;
  readonly kind: FeedKind;
  readonly targetId: string;
  readonly ownerOrganisationId: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** A live feed found by its token, with the stamps its content is checked against. */
export interface ResolvedFeed {
  readonly id: string;
  readonly kind: FeedKind;
  readonly targetId: string;
  /** Stamp of the feed's own scope and of the scope all feeds share (names, the tree): together they name the content. */
  readonly stamp: string;
}

/** The most events one feed carries (an organisation high in the tree could otherwise ask for the whole register). */
export const MAX_FEED_EVENTS = 5_000;

interface ActivityRow {
  id: string;
  version: string;
  type: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  status: string;
  group_name: string | null;
  organisation_name: string | null;
  updated_at: Date;
}

const toFeedActivity = (r: ActivityRow): FeedActivity => ({
  id: r.id,
  version: Number(r.version),
  type: r.type,
  title: r.title,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  location: r.location,
  status: r.status,
  groupName: r.group_name,
  organisationName: r.organisation_name,
  updatedAt: r.updated_at,
});

const ACTIVITY_COLUMNS = `a.id, a.version, a.type, a.title, a.starts_at, a.ends_at, a.location, a.status, a.updated_at, g.name AS group_name, o.name AS organisation_name`;
const ACTIVITY_JOINS = `LEFT JOIN "calendar"."group" g ON g.id = a.group_id LEFT JOIN "calendar"."organisation" o ON o.id = a.organisation_id`;

/** The feeds (token hashes, never tokens) and the reads a feed is rendered from; every lookup is by key or index range. */
@Injectable()
export class CalendarFeedRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(feed: FeedRow & { tokenHash: Buffer }): Promise<void> {
    await this.db.query(`INSERT INTO "calendar"."feed" (id, token_hash, kind, target_id, owner_organisation_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      feed.id,
      feed.tokenHash,
      feed.kind,
      feed.targetId,
      feed.ownerOrganisationId,
      feed.createdBy,
      feed.createdAt,
    ]);
  }

  /** One indexed lookup, the same for an unknown and a revoked token. */
  async resolve(tokenHash: Buffer): Promise<ResolvedFeed | undefined> {
    const rows = await this.db.query<{ id: string; kind: FeedKind; target_id: string; stamp: string; all_stamp: string }[]>(
      `SELECT f.id, f.kind, f.target_id, COALESCE(s.stamp, 0) AS stamp, COALESCE(a.stamp, 0) AS all_stamp
         FROM "calendar"."feed" f
         LEFT JOIN "calendar"."scope_stamp" s ON s.kind = f.kind AND s.target_id = f.target_id
         LEFT JOIN "calendar"."scope_stamp" a ON a.kind = 'all' AND a.target_id = $2
        WHERE f.token_hash = $1 AND f.revoked_at IS NULL`,
      [tokenHash, ALL_SCOPE],
    );
    const r = rows[0];
    return r && { id: r.id, kind: r.kind, targetId: r.target_id, stamp: `${r.stamp}.${r.all_stamp}` };
  }

  /** Live feeds, newest first; with `owners`, only those owned by one of these organisations. */
  async list(owners: readonly string[] | undefined, limit: number): Promise<FeedRow[]> {
    const rows = await this.db.query<{ id: string; kind: FeedKind; target_id: string; owner_organisation_id: string | null; created_by: string; created_at: Date }[]>(
      `SELECT id, kind, target_id, owner_organisation_id, created_by, created_at FROM "calendar"."feed"
        WHERE revoked_at IS NULL ${owners ? 'AND owner_organisation_id = ANY($2::uuid[])' : ''}
        ORDER BY created_at DESC, id LIMIT $1`,
      owners ? [limit, owners] : [limit],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, targetId: r.target_id, ownerOrganisationId: r.owner_organisation_id, createdBy: r.created_by, createdAt: r.created_at }));
  }

  async get(id: string): Promise<FeedRow | undefined> {
    const rows = await this.db.query<{ id: string; kind: FeedKind; target_id: string; owner_organisation_id: string | null; created_by: string; created_at: Date }[]>(
      `SELECT id, kind, target_id, owner_organisation_id, created_by, created_at FROM "calendar"."feed" WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    const r = rows[0];
    return r && { id: r.id, kind: r.kind, targetId: r.target_id, ownerOrganisationId: r.owner_organisation_id, createdBy: r.created_by, createdAt: r.created_at };
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.query<unknown[]>(`UPDATE "calendar"."feed" SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id]);
    // TypeORM answers an UPDATE with [rows, rowCount].
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
    return rows.length > 0;
  }

  /** The activities of a feed whose start lies in [from, to), in start order. */
  async activities(kind: FeedKind, targetId: string, from: Date, to: Date): Promise<FeedActivity[]> {
    let sql: string;
    switch (kind) {
      case 'group':
        sql = `SELECT ${ACTIVITY_COLUMNS} FROM "calendar"."activity" a ${ACTIVITY_JOINS}
                WHERE a.group_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id LIMIT ${MAX_FEED_EVENTS}`;
        break;
      case 'organisation':
        sql = `WITH RECURSIVE sub(id, depth) AS (
                 SELECT $1::uuid, 0
                 UNION
                 SELECT c.id, sub.depth + 1 FROM "calendar"."organisation" c JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 32
               )
               SELECT ${ACTIVITY_COLUMNS} FROM sub JOIN "calendar"."activity" a ON a.organisation_id = sub.id ${ACTIVITY_JOINS}
                WHERE a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id LIMIT ${MAX_FEED_EVENTS}`;
        break;
      case 'person':
        sql = `SELECT ${ACTIVITY_COLUMNS} FROM "calendar"."participation" p JOIN "calendar"."activity" a ON a.id = p.activity_id ${ACTIVITY_JOINS}
                WHERE p.person_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id LIMIT ${MAX_FEED_EVENTS}`;
        break;
    }
    return (await this.db.query<ActivityRow[]>(sql, [targetId, from, to])).map(toFeedActivity);
  }

  /** A feed's name and the organisations that own its target (for key scopes); undefined when the target is unknown. */
  async target(kind: FeedKind, id: string): Promise<{ name: string; organisationIds: string[] } | undefined> {
    switch (kind) {
      case 'group': {
        const rows = await this.db.query<{ name: string; organisation_id: string }[]>(`SELECT name, organisation_id FROM "calendar"."group" WHERE id = $1`, [id]);
        return rows[0] && { name: rows[0].name, organisationIds: [rows[0].organisation_id] };
      }
      case 'organisation': {
        const rows = await this.db.query<{ name: string }[]>(`SELECT name FROM "calendar"."organisation" WHERE id = $1`, [id]);
        return rows[0] && { name: rows[0].name, organisationIds: [id] };
      }
      case 'person': {
        const rows = await this.db.query<{ organisation_ids: string[] }[]>(`SELECT organisation_ids FROM "calendar"."person" WHERE id = $1`, [id]);
        // Never the person's name: a person's feed is named for what it is.
        return rows[0] && { name: 'Mina aktiviteter', organisationIds: rows[0].organisation_ids };
      }
    }
  }

  /** The organisation and its whole subtree (depth-bounded walk down from it). */
  async subtree(organisationId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `WITH RECURSIVE sub(id, depth) AS (
         SELECT $1::uuid, 0
         UNION
         SELECT c.id, sub.depth + 1 FROM "calendar"."organisation" c JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 32
       ) SELECT DISTINCT id FROM sub`,
      [organisationId],
    );
    return rows.map((r) => r.id);
  }

  /** The organisations and all their ancestors. */
  async ancestors(organisationIds: readonly string[]): Promise<string[]> {
    if (organisationIds.length === 0) return [];
    const rows = await this.db.query<{ id: string }[]>(
      `WITH RECURSIVE up(id, parent_id, depth) AS (
         SELECT o.id, o.parent_id, 0 FROM "calendar"."organisation" o WHERE o.id = ANY($1::uuid[])
         UNION
         SELECT o.id, o.parent_id, up.depth + 1 FROM "calendar"."organisation" o JOIN up ON o.id = up.parent_id WHERE up.depth < 32
       ) SELECT DISTINCT id FROM up`,
      [[...new Set(organisationIds)]],
    );
    return [...new Set([...organisationIds, ...rows.map((r) => r.id)])];
  }
}
