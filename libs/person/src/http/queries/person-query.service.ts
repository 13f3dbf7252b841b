import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, Problems } from '@stafett/api';
import { parsePersonalIdentityNumber } from '@stafett/domain';
import { ExternalIdEntity } from '../../database/external-id.entity';
import { GuardianEntity } from '../../database/guardian.entity';
import { MembershipEntity } from '../../database/membership.entity';
import { PersonEntity } from '../../database/person.entity';
import type { PersonState } from '../../domain/person.model';
import { DEFAULT_PAGE_SIZE } from '../dtos/list-persons-query.dto';
import type { PersonDto, PersonPageDto } from '../dtos/person.dto';
import { toPersonView } from '../person-view';

export interface PersonFilter {
  readonly organisationId?: string;
  readonly name?: string;
  readonly personalIdentityNumber?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isPosition = (v: unknown): v is { id: string } => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && UUID.test((v as { id: string }).id);

/** `%`, `_` and `\` stand for themselves in a name prefix. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The reads of `/v1/persons`: a page (or one person) and the children of its persons, four
 * queries whatever the page size, in one REPEATABLE READ snapshot so a person and its
 * memberships always belong together. Keyset pagination on the id: stable while persons change.
 */
@Injectable()
export class PersonQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(id: string): Promise<PersonDto | undefined> {
    const [person] = await this.read((m) => m.getRepository(PersonEntity).createQueryBuilder('p').where('p.id = :id', { id }));
    return person;
  }

  async list(filter: PersonFilter, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<PersonPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isPosition).id;
    const pnr = filter.personalIdentityNumber === undefined ? undefined : normalizedPnr(filter.personalIdentityNumber);
    const items = await this.read((m) => {
      const qb = m.getRepository(PersonEntity).createQueryBuilder('p').orderBy('p.id', 'ASC').limit(limit + 1);
      if (after) qb.andWhere('p.id > :after', { after });
      if (pnr) qb.andWhere('p.personalIdentityNumber = :pnr', { pnr });
      if (filter.name) {
        qb.andWhere(`(lower(p.firstName) LIKE :prefix OR lower(p.lastName) LIKE :prefix)`, { prefix: `${escapeLike(filter.name.trim().toLowerCase())}%` });
      }
      if (filter.organisationId) {
        qb.andWhere((sub) => {
          const members = sub.subQuery().select('1').from(MembershipEntity, 'm').where('m.personId = p.id').andWhere('m.organisationId = :org').getQuery();
          return `EXISTS ${members}`;
        }).setParameter('org', filter.organisationId.toLowerCase());
      }
      return qb;
    });
    const page = items.slice(0, limit);
    const nextCursor = items.length > limit ? encodeCursor({ id: page[page.length - 1].id }) : null;
    return { items: page, nextCursor };
  }

  private async read(query: (m: EntityManager) => { getMany(): Promise<PersonEntity[]> }): Promise<PersonDto[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const persons = await query(m).getMany();
      if (persons.length === 0) return [];
      const ids = persons.map((p) => p.id);
      const order = { personId: 'ASC', position: 'ASC' } as const;
      const memberships = await m.getRepository(MembershipEntity).find({ where: { personId: In(ids) }, order });
      const guardians = await m.getRepository(GuardianEntity).find({ where: { personId: In(ids) }, order });
      const links = await m.getRepository(ExternalIdEntity).find({ where: { personId: In(ids) }, order });
      const byPerson = <T extends { personId: string }>(rows: T[]) => {
        const map = new Map<string, T[]>();
        for (const r of rows) {
          const list = map.get(r.personId);
          if (list) list.push(r);
          else map.set(r.personId, [r]);
        }
        return map;
      };
      const ms = byPerson(memberships);
      const gs = byPerson(guardians);
      const ls = byPerson(links);
      return persons.map((p) => {
        const state: PersonState = {
          id: p.id,
          personalIdentityNumber: p.personalIdentityNumber,
          firstName: p.firstName,
          lastName: p.lastName,
          birthDate: p.birthDate,
          sex: p.sex,
          address: p.address,
          email: p.email,
          phone: p.phone,
          status: p.status,
          memberships: (ms.get(p.id) ?? []).map((x) => ({ organisationId: x.organisationId, from: x.validFrom, to: x.validTo })),
          guardians: (gs.get(p.id) ?? []).map((x) => ({ personId: x.guardianId })),
          disability: p.disability,
          externalIds: (ls.get(p.id) ?? []).map((x) => ({ system: x.system, id: x.externalId })),
        };
        return toPersonView(state, p.version);
      });
    });
  }
}

function normalizedPnr(raw: string): string {
  const parsed = parsePersonalIdentityNumber(raw);
  if (!parsed.ok) throw Problems.validation([{ field: 'personalIdentityNumber', code: parsed.code, message: parsed.message }]);
  return parsed.value.normalized;
}
