import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrganisationType } from '@stafett/contracts';
import { decodeCursor, encodeCursor, Problems } from '@stafett/api';
import { parseMunicipalityCode } from '@stafett/domain';
import { EntityStore } from '@stafett/entity-pipeline';
import { OrganisationRepository } from '../../database/organisation.repository';
import type { OrganisationState } from '../../domain/organisation.model';
import { DEFAULT_PAGE_SIZE } from '../dtos/list-organisations-query.dto';
import type { OrganisationDto, OrganisationPageDto } from '../dtos/organisation.dto';
import { toOrganisationView } from '../organisation-view';

export interface OrganisationFilter {
  readonly type?: OrganisationType;
  readonly name?: string;
  readonly municipalityCode?: string;
  readonly parentId?: string;
  /** Only these organisations (the subtree of an organisation-scoped key). */
  readonly within?: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isPosition = (v: unknown): v is { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && UUID.test((v as { id: string }).id);

/** `%`, `_` and `\` stand for themselves in a name prefix. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The subtree below `$1`: children by `parent_id` and member clubs by federation, each level an
 * index probe per organisation (ix_organisation_parent, ix_federation_federation: the LATERAL keeps
 * them parameterized; a join of the worktable with a UNION ALL of both tables hashes whole tables).
 * UNION drops an organisation reached twice (a club below its district and a member of the
 * federation above it).
 */
export const SUBTREE_CTE = `WITH RECURSIVE sub(id) AS (
    SELECT $1::uuid
    UNION
    SELECT c.child FROM sub CROSS JOIN LATERAL (
      SELECT o.id AS child FROM organisation.organisation o WHERE o.parent_id = sub.id
      UNION ALL
      SELECT f.organisation_id FROM organisation.federation f WHERE f.federation_id = sub.id
    ) c
  )`;

/**
 * The reads of `/v1/organisations`: a page of ids, then its organisations with their federations
 * and links through the loader the import path uses, in one REPEATABLE READ snapshot. Keyset
 * pagination on the id: stable while organisations change.
 */
@Injectable()
export class OrganisationQueryService {
  private readonly store: EntityStore<OrganisationState>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    repository: OrganisationRepository,
  ) {
    this.store = new EntityStore(repository, 'organisation');
  }

  async get(id: string): Promise<OrganisationDto | undefined> {
    const [organisation] = await this.read(async () => [id]);
    return organisation;
  }

  async list(filter: OrganisationFilter, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<OrganisationPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isPosition).id;
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (after) where.push(`id > ${param(after)}::uuid`);
    if (filter.type) where.push(`type = ${param(filter.type)}`);
    if (filter.name) where.push(`lower(name) LIKE ${param(`${escapeLike(filter.name.trim().toLowerCase())}%`)}`);
    if (filter.municipalityCode !== undefined) where.push(`municipality_code = ${param(municipalityCode(filter.municipalityCode))}::bpchar`);
    if (filter.parentId) where.push(`parent_id = ${param(filter.parentId.toLowerCase())}::uuid`);
    if (filter.within) where.push(`id = ANY(${param(filter.within)}::uuid[])`);
    const sql = `SELECT id FROM organisation.organisation${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${param(limit + 1)}`;
    return this.page(await this.read(async (m) => ids(await m.query(sql, params))), limit);
  }

  /** The organisation and everything below it (by parent and by federation membership), a page at a time in id order. */
  async subtree(root: string, filter: Pick<OrganisationFilter, 'within'>, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<OrganisationPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, isPosition).id;
    const params: unknown[] = [root, limit + 1];
    const where: string[] = [];
    if (after) where.push(`id > $${params.push(after)}::uuid`);
    if (filter.within) where.push(`id = ANY($${params.push(filter.within)}::uuid[])`);
    const sql = `${SUBTREE_CTE} SELECT id FROM sub${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $2`;
    return this.page(await this.read(async (m) => ids(await m.query(sql, params))), limit);
  }

  private page(items: OrganisationDto[], limit: number): OrganisationPageDto {
    const page = items.slice(0, limit);
    const nextCursor = items.length > limit ? encodeCursor({ id: page[page.length - 1].id }) : null;
    return { items: page, nextCursor };
  }

  private async read(pageIds: (m: EntityManager) => Promise<string[]>): Promise<OrganisationDto[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const page = await pageIds(m);
      const stored = await this.store.load(m, page, false);
      return page.flatMap((id) => {
        const o = stored.get(id);
        return o ? [toOrganisationView(o.state, o.version)] : [];
      });
    });
  }
}

const ids = (found: { id: string }[]) => found.map((r) => r.id);

function municipalityCode(raw: string): string {
  const parsed = parseMunicipalityCode(raw);
  if (!parsed.ok) throw Problems.validation([{ field: 'municipalityCode', code: parsed.code, message: parsed.message }]);
  return parsed.value;
}
