import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { ActivityStatus, ActivityType } from '@stafett/contracts';
import { decodeCursor, encodeCursor } from '@stafett/api';
import { EntityStore, InjectOrganisationTree, type OrganisationTree } from '@stafett/entity-pipeline';
import { ActivityEntity } from '../../database/activity.entity';
import { ActivityRepository } from '../../database/activity.repository';
import type { ActivityState } from '../../domain/activity.model';
import { DEFAULT_PAGE_SIZE } from '../dtos/list-activities-query.dto';
import type { ActivityDto, ActivityPageDto } from '../dtos/activity.dto';
import { toActivityView } from '../activity-view';

export interface ActivityFilter {
  /** An organisation-scoped key: only activities of these organisations (its subtree). */
  readonly withinOrganisations?: readonly string[];
  readonly organisationId?: string;
  readonly groupId?: string;
  /** ISO 8601: startsAt ≥ from. */
  readonly from?: string;
  /** ISO 8601: startsAt < to. */
  readonly to?: string;
  readonly type?: ActivityType;
  readonly status?: ActivityStatus;
}

export interface Position {
  s: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isPosition = (v: unknown): v is Position => {
  if (typeof v !== 'object' || v === null) return false;
  const { s, id } = v as { s?: unknown; id?: unknown };
  return typeof id === 'string' && UUID.test(id) && typeof s === 'string' && !Number.isNaN(Date.parse(s));
};

/**
 * The reads of `/v1/activities`: a page of ids (keyset on startsAt then id, served by the
 * `(…, starts_at, id)` indexes), then those activities with their participants through the loader
 * the import path uses, in one REPEATABLE READ snapshot. An organisation-scoped key reads only its
 * subtree: anything else is as unknown as a wrong id.
 */
@Injectable()
export class ActivityQueryService {
  private readonly store: EntityStore<ActivityState>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectOrganisationTree('activity') private readonly tree: OrganisationTree,
    repository: ActivityRepository,
  ) {
    this.store = new EntityStore(repository, 'activity');
  }

  async get(id: string, scope: string | null): Promise<ActivityDto | undefined> {
    const [activity] = await this.read((m) => m.getRepository(ActivityEntity).createQueryBuilder('a').where('a.id = :id', { id }));
    if (!activity) return undefined;
    if (scope !== null && !(await this.tree.containsAny(scope, [activity.organisationId]))) return undefined;
    return activity;
  }

  async list(filter: ActivityFilter, scope: string | null, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<ActivityPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isPosition);
    const organisations = scope === null ? undefined : await this.tree.subtree(scope);
    const items = await this.read((m) => activityPageQuery(m, { ...filter, withinOrganisations: organisations }, limit, after));
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = items.length > limit ? encodeCursor({ s: last.startsAt, id: last.id }) : null;
    return { items: page, nextCursor };
  }

  private async read(query: (m: EntityManager) => SelectQueryBuilder<ActivityEntity>): Promise<ActivityDto[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      // The page's ids, in order; the rows themselves come once, through the loader.
      const page = await query(m).select('a.id').getMany();
      const stored = await this.store.load(
        m,
        page.map((a) => a.id),
        false,
      );
      return page.flatMap((a) => {
        const activity = stored.get(a.id);
        return activity ? [toActivityView(activity.state, activity.version)] : [];
      });
    });
  }
}

/**
 * The ids of one page of activities, ordered by startsAt then id (keyset after `after`): served by
 * `ix_activity_organisation_starts_at` / `ix_activity_group_starts_at` / `ix_activity_starts_at`.
 */
export function activityPageQuery(m: EntityManager, filter: ActivityFilter, limit: number, after?: Position): SelectQueryBuilder<ActivityEntity> {
  const qb = m
    .getRepository(ActivityEntity)
    .createQueryBuilder('a')
    .select('a.id')
    .orderBy('a.startsAt', 'ASC')
    .addOrderBy('a.id', 'ASC')
    .limit(limit + 1);
  if (after) qb.andWhere('(a.startsAt, a.id) > (:afterStart, :afterId)', { afterStart: after.s, afterId: after.id });
  if (filter.withinOrganisations) qb.andWhere('a.organisationId = ANY(:within)', { within: filter.withinOrganisations });
  if (filter.organisationId) qb.andWhere('a.organisationId = :org', { org: filter.organisationId.toLowerCase() });
  if (filter.groupId) qb.andWhere('a.groupId = :group', { group: filter.groupId.toLowerCase() });
  if (filter.from) qb.andWhere('a.startsAt >= :from', { from: new Date(filter.from).toISOString() });
  if (filter.to) qb.andWhere('a.startsAt < :to', { to: new Date(filter.to).toISOString() });
  if (filter.type) qb.andWhere('a.type = :type', { type: filter.type });
  if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
  return qb;
}
