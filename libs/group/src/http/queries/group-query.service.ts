import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '@stafett/api';
import type { Role } from '@stafett/contracts';
import { EntityStore, rows } from '@stafett/entity-pipeline';
import { GROUP_TABLE, GroupRepository, MEMBER_TABLE } from '../../database/group.repository';
import type { GroupState } from '../../domain/group.model';
import { DEFAULT_PAGE_SIZE } from '../dtos/list-groups-query.dto';
import type { GroupDto, GroupPageDto, MemberPageDto } from '../dtos/group.dto';
import { toGroupView } from '../group-view';

export interface GroupFilter {
  readonly organisationId?: string;
  readonly name?: string;
  readonly type?: string;
  readonly personId?: string;
  /** An organisation-scoped key: only groups of these organisations (its subtree). */
  readonly organisationIds?: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isIdPosition = (v: unknown): v is { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && UUID.test((v as { id: string }).id);
const isMemberPosition = (v: unknown): v is { p: number } => typeof v === 'object' && v !== null && Number.isInteger((v as { p?: unknown }).p) && (v as { p: number }).p >= 0;

/** `%`, `_` and `\` stand for themselves in a name prefix. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The reads of `/v1/groups`: a page of ids (keyset on the id: stable while groups change), then the
 * groups with their members through the loader the import path uses, in one REPEATABLE READ
 * snapshot. Each filter follows an index: organisation_id, lower(name) prefix, member.person_id.
 */
@Injectable()
export class GroupQueryService {
  private readonly store: EntityStore<GroupState>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    repository: GroupRepository,
  ) {
    this.store = new EntityStore(repository, 'group');
  }

  async get(id: string): Promise<GroupDto | undefined> {
    const stored = await this.dataSource.transaction('REPEATABLE READ', (m) => this.store.load(m, [id], false));
    const group = stored.get(id);
    return group ? toGroupView(group.state, group.version) : undefined;
  }

  /** The organisation of a group (for the scope check of its member pages), undefined when there is no such group. */
  async organisationOf(id: string): Promise<string | undefined> {
    const [found] = await rows<{ organisation_id: string }>(this.dataSource.manager, `SELECT organisation_id FROM ${GROUP_TABLE} WHERE id = $1::uuid`, [id]);
    return found?.organisation_id;
  }

  async list(filter: GroupFilter, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<GroupPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isIdPosition).id;
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (after) where.push(`g.id > ${param(after)}::uuid`);
    if (filter.organisationId) where.push(`g.organisation_id = ${param(filter.organisationId.toLowerCase())}::uuid`);
    if (filter.organisationIds) where.push(`g.organisation_id = ANY(${param(filter.organisationIds)}::uuid[])`);
    if (filter.type) where.push(`g.type = ${param(filter.type)}`);
    if (filter.name) where.push(`lower(g.name) LIKE ${param(`${escapeLike(filter.name.trim().toLowerCase())}%`)}`);
    if (filter.personId) where.push(`EXISTS (SELECT 1 FROM ${MEMBER_TABLE} m WHERE m.group_id = g.id AND m.person_id = ${param(filter.personId.toLowerCase())}::uuid)`);
    const sql = `SELECT g.id FROM ${GROUP_TABLE} g${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY g.id LIMIT ${param(limit + 1)}`;
    const items = await this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const page = await rows<{ id: string }>(m, sql, params);
      const stored = await this.store.load(
        m,
        page.map((p) => p.id),
        false,
      );
      return page.flatMap((p) => {
        const g = stored.get(p.id);
        return g ? [toGroupView(g.state, g.version)] : [];
      });
    });
    const page = items.slice(0, limit);
    return { items: page, nextCursor: items.length > limit ? encodeCursor({ id: page[page.length - 1].id }) : null };
  }

  /** A page of the group's members in its order (optionally those in force on `on`), along the member primary key. */
  async members(groupId: string, on: string | undefined, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<MemberPageDto> {
    const after = cursor === undefined ? -1 : decodeCursor(cursor, isMemberPosition).p;
    const found = await rows<{ position: number; person_id: string; role: Role; valid_from: string; valid_to: string | null }>(
      this.dataSource.manager,
      `SELECT position, person_id, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
         FROM ${MEMBER_TABLE}
        WHERE group_id = $1::uuid AND position > $2
          AND ($3::date IS NULL OR (valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $3::date)))
        ORDER BY position LIMIT $4`,
      [groupId, after, on ?? null, limit + 1],
    );
    const page = found.slice(0, limit);
    return {
      items: page.map((m) => ({ personId: m.person_id, role: m.role, from: m.valid_from, to: m.valid_to })),
      nextCursor: found.length > limit ? encodeCursor({ p: page[page.length - 1].position }) : null,
    };
  }
}
