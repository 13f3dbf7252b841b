import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { decodeCursor, encodeCursor, Problems } from '@stafett/api';
import type { EntityName } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { OrganisationTree } from '@stafett/entity-pipeline';
import { CHANGES_SETTINGS, DEFAULT_CHANGES_PAGE, type ChangesSettings } from '../../changes-options';
import { ChangeLogStore } from '../../database/change-log.store';
import { CHANGES_POOL } from '../../database/changes-pool';
import type { ChangeEventDto, ChangePageDto } from '../dtos/change-page.dto';
import { ChangeRenderer } from './change-renderer';

/** Largest seq a cursor may hold (bigint). */
const MAX_SEQ = 2n ** 63n - 1n;
const isPosition = (v: unknown): v is { seq: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { seq?: unknown }).seq === 'string' &&
  /^\d{1,19}$/.test((v as { seq: string }).seq) &&
  BigInt((v as { seq: string }).seq) <= MAX_SEQ;

/** The cursor of a position in the log: base64url of `{"seq":"<n>"}` (opaque to clients). */
export const cursorOf = (seq: bigint): string => encodeCursor({ seq: seq.toString() });

export interface ChangesRequest {
  readonly entity?: EntityName;
  readonly since?: string;
  readonly limit?: number;
  /** The organisation subtree root of the key; null = a global key. */
  readonly scope: string | null;
}

/** The reads of `GET /v1/changes`: a page after the cursor, and the cursor to continue with. */
@Injectable()
export class ChangeQueryService {
  private readonly tree: OrganisationTree;

  constructor(
    private readonly store: ChangeLogStore,
    private readonly renderer: ChangeRenderer,
    @Inject(CHANGES_POOL) pool: Pool,
    @Inject(CHANGES_SETTINGS) private readonly settings: ChangesSettings,
  ) {
    this.tree = new OrganisationTree('changes', pool);
  }

  async page(request: ChangesRequest): Promise<ChangePageDto> {
    if (request.entity !== undefined && !this.settings.entities.includes(request.entity)) {
      throw Problems.validation([{ field: 'entity', code: ReasonCode.INVALID_ENUM, message: `entity must be one of: ${this.settings.entities.join(', ')}` }]);
    }
    const after = request.since === undefined ? 0n : BigInt(decodeCursor(request.since, isPosition, 'since').seq);
    const organisationIds = request.scope === null ? undefined : await this.tree.subtree(request.scope);
    const page = await this.store.page({
      after,
      limit: request.limit ?? DEFAULT_CHANGES_PAGE,
      ...(request.entity === undefined ? {} : { entity: request.entity }),
      ...(organisationIds === undefined ? {} : { organisationIds }),
    });
    const changes: ChangeEventDto[] = [];
    for (const c of page.changes) {
      const event = await this.renderer.render(c);
      if (event !== undefined) changes.push({ entity: c.entity, ...(event as object) } as ChangeEventDto);
    }
    return {
      changes,
      // Where the client is when nothing new came: the same position (a cursor for 0 when it started from the oldest).
      nextCursor: request.since !== undefined && page.last === undefined ? request.since : cursorOf(page.last ?? after),
    };
  }
}
