import { Injectable } from '@nestjs/common';
import type { GroupStatus, GroupType, Role } from '@stafett/contracts';
import { rows, type EntityRepository, type Stored } from '@stafett/entity-pipeline';
import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import type { GroupState, MemberState } from '../domain/group.model';

/** The group service's Postgres schema. `group` is an SQL keyword: always quoted. */
export const GROUP_SCHEMA = 'group';
const S = quoteIdent(GROUP_SCHEMA);
export const GROUP_TABLE = `${S}.${quoteIdent('group')}`;
export const MEMBER_TABLE = `${S}.member`;

interface GroupRow {
  id: string;
  organisation_id: string;
  name: string;
  type: GroupType;
  sport: string | null;
  status: GroupStatus;
  version: string;
}

interface MemberRow {
  group_id: string;
  person_id: string;
  role: Role;
  valid_from: string;
  valid_to: string | null;
}

export type StoredGroup = Stored<GroupState>;

const toMember = (m: MemberRow): MemberState => ({ personId: m.person_id, role: m.role, from: m.valid_from, to: m.valid_to });

const MEMBER_COLUMNS = `group_id, person_id, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to`;

function byGroup(list: MemberRow[]): Map<string, MemberState[]> {
  const m = new Map<string, MemberState[]>();
  for (const r of list) {
    const same = m.get(r.group_id);
    if (same) same.push(toMember(r));
    else m.set(r.group_id, [toMember(r)]);
  }
  return m;
}

/**
 * The group tables in plain SQL, row mapping only: set-based statements per batch (unnest arrays),
 * inside the caller's transaction. The external-id links are the entity pipeline's.
 */
@Injectable()
export class GroupRepository implements EntityRepository<GroupState> {
  /** Groups with their members: two statements whatever the count. */
  async load(tx: SqlExecutor, ids: readonly string[], options: { readonly lock: boolean }): Promise<Map<string, StoredGroup>> {
    if (ids.length === 0) return new Map();
    const sorted = [...new Set(ids)].sort();
    const groups = await rows<GroupRow>(
      tx,
      `SELECT id, organisation_id, name, type, sport, status, version FROM ${GROUP_TABLE} WHERE id = ANY($1::uuid[]) ORDER BY id${options.lock ? ' FOR UPDATE' : ''}`,
      [sorted],
    );
    const members = byGroup(await rows<MemberRow>(tx, `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_TABLE} WHERE group_id = ANY($1::uuid[]) ORDER BY group_id, position`, [sorted]));
    return new Map(
      groups.map((g) => [
        g.id,
        {
          version: Number(g.version),
          state: { id: g.id, organisationId: g.organisation_id, name: g.name, type: g.type, sport: g.sport, members: members.get(g.id) ?? [], status: g.status, externalIds: [] },
        },
      ]),
    );
  }

  /** Groups have no natural key: they are matched by their source links only. */
  async findIdsByNaturalKey(): Promise<Map<string, string>> {
    return new Map();
  }

  async existingIds(tx: SqlExecutor, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await rows<{ id: string }>(tx, `SELECT id FROM ${GROUP_TABLE} WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(found.map((r) => r.id));
  }

  /**
   * The members of every group one of `personIds` is a member of, in order, by group id (through
   * the index on member.person_id, then the member primary key).
   */
  async membersOfGroupsWith(tx: SqlExecutor, personIds: readonly string[]): Promise<Map<string, MemberState[]>> {
    if (personIds.length === 0) return new Map();
    const found = await rows<MemberRow>(
      tx,
      `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_TABLE}
        WHERE group_id IN (SELECT group_id FROM ${MEMBER_TABLE} WHERE person_id = ANY($1::uuid[]))
        ORDER BY group_id, position`,
      [personIds],
    );
    return byGroup(found);
  }

  /** Writes the final state of every changed group, replacing the members of those that existed. */
  async saveAll(tx: SqlExecutor, groups: readonly StoredGroup[], existed: ReadonlySet<string>): Promise<void> {
    if (groups.length === 0) return;
    const col = <T>(f: (g: StoredGroup) => T) => groups.map(f);
    await tx.query(
      `INSERT INTO ${GROUP_TABLE} (id, organisation_id, name, type, sport, status, version)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
       ON CONFLICT (id) DO UPDATE SET
         organisation_id = EXCLUDED.organisation_id, name = EXCLUDED.name, type = EXCLUDED.type, sport = EXCLUDED.sport,
         status = EXCLUDED.status, version = EXCLUDED.version, updated_at = now()`,
      [
        col((g) => g.state.id),
        col((g) => g.state.organisationId),
        col((g) => g.state.name),
        col((g) => g.state.type),
        col((g) => g.state.sport),
        col((g) => g.state.status),
        col((g) => g.version),
      ],
    );
    const ids = col((g) => g.state.id).filter((id) => existed.has(id));
    if (ids.length > 0) await tx.query(`DELETE FROM ${MEMBER_TABLE} WHERE group_id = ANY($1::uuid[])`, [ids]);
    const m = groups.flatMap((g) => g.state.members.map((x, i) => [g.state.id, i, x.personId, x.role, x.from, x.to] as const));
    if (m.length) {
      await tx.query(
        `INSERT INTO ${MEMBER_TABLE} (group_id, position, person_id, role, valid_from, valid_to) SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::date[], $6::date[])`,
        [m.map((x) => x[0]), m.map((x) => x[1]), m.map((x) => x[2]), m.map((x) => x[3]), m.map((x) => x[4]), m.map((x) => x[5])],
      );
    }
  }

  async deleteAll(tx: SqlExecutor, ids: readonly string[]): Promise<void> {
    if (ids.length) await tx.query(`DELETE FROM ${GROUP_TABLE} WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
