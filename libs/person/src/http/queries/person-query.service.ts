import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, Problems } from '@stafett/api';
import { parsePersonalIdentityNumber } from '@stafett/domain';
import { MembershipEntity } from '../../database/membership.entity';
import { PersonEntity } from '../../database/person.entity';
import { EntityStore } from '@stafett/entity-pipeline';
import { PersonRepository } from '../../database/person.repository';
import type { Stored } from '@stafett/entity-pipeline';
import type { PersonState } from '../../domain/person.model';
import { DEFAULT_PAGE_SIZE } from '../dtos/list-persons-query.dto';
import type { PersonDto, PersonPageDto } from '../dtos/person.dto';
import { toPersonView } from '../person-view';

export interface PersonFilter {
  /**
   * The organisation subtree of a scoped API key (`OrganisationTree.subtree`): only persons with a
   * membership in one of these organisations. Absent: every person (a global key).
   */
  readonly withinOrganisations?: readonly string[];
  readonly organisationId?: string;
  readonly name?: string;
  readonly personalIdentityNumber?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isPosition = (v: unknown): v is { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && UUID.test((v as { id: string }).id);

/** `%`, `_` and `\` stand for themselves in a name prefix. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The reads of `/v1/persons`: a page (or one person), then its persons with their children through
 * the loader the import path uses, four queries whatever the page size, in one REPEATABLE READ snapshot so a person and its
 * memberships always belong together. Keyset pagination on the id: stable while persons change.
 */
@Injectable()
export class PersonQueryService {
  private readonly store: EntityStore<PersonState>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    repository: PersonRepository,
  ) {
    this.store = new EntityStore(repository, 'person');
  }

  async get(id: string): Promise<PersonDto | undefined> {
    const found = await this.find(id);
    return found && toPersonView(found.state, found.version);
  }

  /** The person with its version (what a scope check or a pinned write needs), undefined when there is none. */
  async find(id: string): Promise<Stored<PersonState> | undefined> {
    const [person] = await this.read((m) => m.getRepository(PersonEntity).createQueryBuilder('p').where('p.id = :id', { id }));
    return person;
  }

  /** The holder of a personal identity number (any spelling), undefined when none holds it or it is no valid number. */
  async holderOf(personalIdentityNumber: string): Promise<Stored<PersonState> | undefined> {
    const parsed = parsePersonalIdentityNumber(personalIdentityNumber);
    if (!parsed.ok) return undefined;
    const pnr = parsed.value.normalized;
    const [person] = await this.read((m) => m.getRepository(PersonEntity).createQueryBuilder('p').where('p.personalIdentityNumber = :pnr', { pnr }));
    return person;
  }

  async list(filter: PersonFilter, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<PersonPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isPosition).id;
    const pnr = filter.personalIdentityNumber === undefined ? undefined : normalizedPnr(filter.personalIdentityNumber);
    const items = (await this.read((m) => personPageQuery(m, { ...filter, personalIdentityNumber: pnr }, limit, after))).map((p) => toPersonView(p.state, p.version));
    const page = items.slice(0, limit);
    const nextCursor = items.length > limit ? encodeCursor({ id: page[page.length - 1].id }) : null;
    return { items: page, nextCursor };
  }

  private async read(query: (m: EntityManager) => SelectQueryBuilder<PersonEntity>): Promise<Stored<PersonState>[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      // The page's ids, in order; the rows themselves come once, through the loader.
      const page = await query(m).select('p.id').getMany();
      const stored = await this.store.load(
        m,
        page.map((p) => p.id),
        false,
      );
      return page.flatMap((p) => {
        const person = stored.get(p.id);
        return person ? [person] : [];
      });
    });
  }
}

/**
 * The ids of a page of `GET /v1/persons` (one more than `limit`: is there a next page?), keyset after
 * `after`; `personalIdentityNumber` already normalized. Exported for its plan test.
 */
export function personPageQuery(m: EntityManager, filter: PersonFilter, limit: number, after?: string): SelectQueryBuilder<PersonEntity> {
  const qb = m
    .getRepository(PersonEntity)
    .createQueryBuilder('p')
    .select('p.id')
    .orderBy('p.id', 'ASC')
    .limit(limit + 1);
  if (after) qb.andWhere('p.id > :after', { after });
  if (filter.personalIdentityNumber) qb.andWhere('p.personalIdentityNumber = :pnr', { pnr: filter.personalIdentityNumber });
  if (filter.name) {
    qb.andWhere(`(lower(p.firstName) LIKE :prefix OR lower(p.lastName) LIKE :prefix)`, { prefix: `${escapeLike(filter.name.trim().toLowerCase())}%` });
  }
  if (filter.organisationId) {
    qb.andWhere((sub) => {
      const members = sub.subQuery().select('1').from(MembershipEntity, 'm').where('m.personId = p.id').andWhere('m.organisationId = :org').getQuery();
      return `EXISTS ${members}`;
    }).setParameter('org', filter.organisationId.toLowerCase());
  }
  if (filter.withinOrganisations) {
    // An organisation-scoped key: persons with a membership in its subtree, found through ix_membership_organisation.
    qb.andWhere((sub) => {
      const members = sub.subQuery().select('1').from(MembershipEntity, 'ms').where('ms.personId = p.id').andWhere('ms.organisationId = ANY(:within)').getQuery();
      return `EXISTS ${members}`;
    }).setParameter('within', filter.withinOrganisations);
  }
  return qb;
}

function normalizedPnr(raw: string): string {
  const parsed = parsePersonalIdentityNumber(raw);
  if (!parsed.ok) throw Problems.validation([{ field: 'personalIdentityNumber', code: parsed.code, message: parsed.message }]);
  return parsed.value.normalized;
}
