import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Problems, type FieldError, type ProblemException } from '@stafett/api';
import type { GroupImportPayload, Reason } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { InjectEntityWriter, type EntityCommand, type EntityOutcome, type EntityWriter } from '@stafett/entity-pipeline';
import type { GroupPatch, GroupState } from '../domain/group.model';
import type { GroupDto } from './dtos/group.dto';
import { toGroupView } from './group-view';

/** Who writes, for `source` and `correlationId` of the change event. */
export interface RestCaller {
  readonly actor: string;
  readonly correlationId: string | undefined;
  /** The organisation subtree the caller's key is bound to (null: a global key); the pipeline confines the write to it. */
  readonly scope: string | null;
}

/** Reasons name import fields (`organisation`, `members[0].person`); a REST client sent `organisationId`, `members[0].personId`. */
export const restField = (field: string | null | undefined): string | null =>
  field == null ? null : field.replace(/^organisation(?=$|\.)/, 'organisationId').replace(/^(members\[\d+\])\.person(\.id)?$/, '$1.personId');

const toFieldError = (r: Reason): FieldError => ({ field: restField(r.field), code: r.code, message: r.message });

type GroupCommand = EntityCommand<GroupImportPayload>;
type GroupOutcome = EntityOutcome<GroupState>;

/**
 * REST writes as group commands (`source.system: "api"`, the key's name as actor), applied by the
 * group's entity writer: the rules, versions and events of imports. A refused command becomes a
 * problem: NOT_FOUND and OUT_OF_SCOPE → 404, STALE_VERSION → 412, anything else (UNKNOWN_REFERENCE included) → 422
 * naming the fields.
 */
@Injectable()
export class GroupWriteService {
  constructor(@InjectEntityWriter('group') private readonly groups: EntityWriter<GroupState, GroupImportPayload, GroupPatch, undefined>) {}

  async create(payload: GroupImportPayload, caller: RestCaller): Promise<GroupDto> {
    return this.viewOf(await this.apply({ ...this.command(caller, 'UPSERT', payload), expectedVersion: 0 }, 'create'));
  }

  async update(id: string, expectedVersion: number | undefined, payload: GroupImportPayload, caller: RestCaller): Promise<GroupDto> {
    return this.viewOf(await this.apply({ ...this.command(caller, 'UPSERT', payload), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'update'));
  }

  async delete(id: string, expectedVersion: number | undefined, caller: RestCaller): Promise<void> {
    await this.apply({ ...this.command(caller, 'DELETE', null), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'delete');
  }

  private command(caller: RestCaller, op: GroupCommand['op'], payload: GroupImportPayload | null): GroupCommand {
    const recordId = randomUUID();
    // A REST write is a batch of one: its record id is also its batch id.
    return {
      recordId,
      batchId: recordId,
      source: { system: 'api', connectorId: null, actor: caller.actor },
      externalId: null,
      op,
      payload,
      correlationId: caller.correlationId ?? null,
    };
  }

  private async apply(command: GroupCommand, write: 'create' | 'update' | 'delete'): Promise<GroupOutcome> {
    const [outcome] = await this.groups.apply([command]);
    if (!outcome) throw new Error('the writer returned no outcome');
    if (outcome.outcome === 'REJECTED') throw rejection(outcome.reasons, write);
    return outcome;
  }

  private viewOf(outcome: GroupOutcome): GroupDto {
    if (!outcome.state || outcome.version === null) throw new Error(`a ${outcome.outcome} outcome without the group's state`);
    return toGroupView(outcome.state, outcome.version);
  }
}

function rejection(reasons: readonly Reason[], write: 'create' | 'update' | 'delete'): ProblemException {
  const has = (code: string) => reasons.find((r) => r.code === code);
  if (has(ReasonCode.NOT_FOUND)) return Problems.notFound('No group with this id.');
  // Outside the key's subtree is as good as absent: the group, or on a create the organisation.
  if (has(ReasonCode.OUT_OF_SCOPE)) return Problems.notFound(write === 'create' ? 'No organisation with this id.' : 'No group with this id.');
  const stale = has(ReasonCode.STALE_VERSION);
  if (stale) return Problems.preconditionFailed(`${stale.message} Read it again and retry with its ETag.`, [toFieldError(stale)]);
  return Problems.validation(reasons.map(toFieldError), 'The group was not accepted; see errors.');
}
