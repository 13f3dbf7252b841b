import { Injectable } from '@nestjs/common';
import type { ActivityStatus, ActivityType, Role } from '@stafett/contracts';
import { rows, type EntityRepository, type Stored } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import type { ActivityState } from '../domain/activity.model';

interface ActivityRow {
  id: string;
  organisation_id: string;
  group_id: string | null;
  type: ActivityType;
  title: string;
  sport: string | null;
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  status: ActivityStatus;
  version: string;
}

interface ParticipantRow {
  activity_id: string;
  person_id: string;
  role: Role;
  attended: boolean;
}

export type StoredActivity = Stored<ActivityState>;

/**
 * The activity tables in plain SQL, row mapping only: a handful of set-based statements per batch
 * (unnest arrays, no per-row round trips), inside the caller's transaction. The external-id links
 * are the entity pipeline's. Activities have no natural key.
 */
@Injectable()
export class ActivityRepository implements EntityRepository<ActivityState> {
  /** Activities with their participants: two statements whatever the count. `lock` takes the row locks in id order. */
  async load(tx: SqlExecutor, ids: readonly string[], options: { readonly lock: boolean }): Promise<Map<string, StoredActivity>> {
    if (ids.length === 0) return new Map();
    const sorted = [...new Set(ids)].sort();
    const activities = await rows<ActivityRow>(
      tx,
      `SELECT id, organisation_id, group_id, type, title, sport, starts_at, ends_at, location, status, version
         FROM activity.activity WHERE id = ANY($1::uuid[]) ORDER BY id${options.lock ? ' FOR UPDATE' : ''}`,
      [sorted],
    );
    const participants = await rows<ParticipantRow>(
      tx,
      'SELECT activity_id, person_id, role, attended FROM activity.participant WHERE activity_id = ANY($1::uuid[]) ORDER BY activity_id, position',
      [sorted],
    );
    const byActivity = new Map<string, ParticipantRow[]>();
    for (const p of participants) {
      const list = byActivity.get(p.activity_id);
      if (list) list.push(p);
      else byActivity.set(p.activity_id, [p]);
    }
    return new Map(
      activities.map((a) => [
        a.id,
        {
          version: Number(a.version),
          state: {
            id: a.id,
            organisationId: a.organisation_id,
            groupId: a.group_id,
            type: a.type,
            title: a.title,
            sport: a.sport,
            startsAt: a.starts_at.toISOString(),
            endsAt: a.ends_at.toISOString(),
            location: a.location,
            status: a.status,
            participants: (byActivity.get(a.id) ?? []).map((p) => ({ personId: p.person_id, role: p.role, attended: p.attended })),
            externalIds: [],
          },
        },
      ]),
    );
  }

  findIdsByNaturalKey(): Promise<Map<string, string>> {
    return Promise.resolve(new Map<string, string>());
  }

  async existingIds(tx: SqlExecutor, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await rows<{ id: string }>(tx, 'SELECT id FROM activity.activity WHERE id = ANY($1::uuid[])', [ids]);
    return new Set(found.map((r) => r.id));
  }

  /** The activities any of these persons takes part in (`ix_participant_person`). */
  async idsByParticipant(tx: SqlExecutor, personIds: readonly string[]): Promise<string[]> {
    if (personIds.length === 0) return [];
    const found = await rows<{ activity_id: string }>(tx, 'SELECT DISTINCT activity_id FROM activity.participant WHERE person_id = ANY($1::uuid[])', [personIds]);
    return found.map((r) => r.activity_id);
  }

  /** The activities of these groups (`ix_activity_group_starts_at`). */
  async idsByGroup(tx: SqlExecutor, groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const found = await rows<{ id: string }>(tx, 'SELECT id FROM activity.activity WHERE group_id = ANY($1::uuid[]) ORDER BY id', [groupIds]);
    return found.map((r) => r.id);
  }

  /**
   * Writes the final state of every changed activity (insert or update), replacing their
   * participants. `existed` names the activities that had rows before the batch: only theirs need deleting.
   */
  async saveAll(tx: SqlExecutor, activities: readonly StoredActivity[], existed: ReadonlySet<string>): Promise<void> {
    if (activities.length === 0) return;
    const col = <T>(f: (a: StoredActivity) => T) => activities.map(f);
    await tx.query(
      `INSERT INTO activity.activity (id, organisation_id, group_id, type, title, sport, starts_at, ends_at, location, status, version)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::bigint[])
       ON CONFLICT (id) DO UPDATE SET
         organisation_id = EXCLUDED.organisation_id, group_id = EXCLUDED.group_id, type = EXCLUDED.type, title = EXCLUDED.title, sport = EXCLUDED.sport,
         starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, location = EXCLUDED.location, status = EXCLUDED.status, version = EXCLUDED.version, updated_at = now()`,
      [
        col((a) => a.state.id),
        col((a) => a.state.organisationId),
        col((a) => a.state.groupId),
        col((a) => a.state.type),
        col((a) => a.state.title),
        col((a) => a.state.sport),
        col((a) => a.state.startsAt),
        col((a) => a.state.endsAt),
        col((a) => a.state.location),
        col((a) => a.state.status),
        col((a) => a.version),
      ],
    );
    const ids = col((a) => a.state.id).filter((id) => existed.has(id));
    if (ids.length > 0) await tx.query('DELETE FROM activity.participant WHERE activity_id = ANY($1::uuid[])', [ids]);
    const p = activities.flatMap((a) => a.state.participants.map((x, i) => [a.state.id, i, x.personId, x.role, x.attended] as const));
    if (p.length) {
      await tx.query(
        'INSERT INTO activity.participant (activity_id, position, person_id, role, attended) SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::uuid[], $4::text[], $5::boolean[])',
        [p.map((x) => x[0]), p.map((x) => x[1]), p.map((x) => x[2]), p.map((x) => x[3]), p.map((x) => x[4])],
      );
    }
  }

  async deleteAll(tx: SqlExecutor, ids: readonly string[]): Promise<void> {
    if (ids.length) await tx.query('DELETE FROM activity.activity WHERE id = ANY($1::uuid[])', [ids]);
  }
}
