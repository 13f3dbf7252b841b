import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Problems, type FieldError, type ProblemException } from '@stafett/api';
import type { ActivityImportPayload, Reason } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { InjectEntityWriter, InjectOrganisationTree, type EntityCommand, type EntityOutcome, type EntityWriter, type OrganisationTree } from '@stafett/entity-pipeline';
import type { ActivityPatch, ActivityState } from '../domain/activity.model';
import type { ActivityBatch } from '../domain/activity.rules';
import type { ActivityDto } from './dtos/activity.dto';
import { toActivityView } from './activity-view';
import { ActivityQueryService } from './queries/activity-query.service';

/** Who writes, for `source` and `correlationId` of the change event, and which organisation subtree the key may touch (null: all). */
export interface RestCaller {
  readonly actor: string;
  readonly correlationId: string | undefined;
  readonly scope: string | null;
}

/** Reasons name import fields (`participants[0].person`); a REST client sent `participants[0].personId`. */
export const restField = (field: string | null | undefined): string | null =>
  field == null
    ? null
    : field
        .replace(/^organisation$/, 'organisationId')
        .replace(/^group$/, 'groupId')
        .replace(/^(participants\[\d+\])\.person$/, '$1.personId');

const toFieldError = (r: Reason): FieldError => ({ field: restField(r.field), code: r.code, message: r.message });

type ActivityCommand = EntityCommand<ActivityImportPayload>;
type ActivityOutcome = EntityOutcome<ActivityState>;

const notFound = () => Problems.notFound('No activity with this id.');

/**
 * REST writes as activity commands (`source.system: "api"`, the key's name as actor), applied by
 * the activity's entity writer: the rules, versions and events of imports. A refused command
 * becomes a problem: NOT_FOUND → 404, STALE_VERSION → 412, anything else → 422 naming the fields.
 * An organisation-scoped key neither sees nor places an activity outside its subtree: 404.
 */
@Injectable()
export class ActivityWriteService {
  constructor(
    @InjectEntityWriter('activity') private readonly activities: EntityWriter<ActivityState, ActivityImportPayload, ActivityPatch, ActivityBatch>,
    @InjectOrganisationTree('activity') private readonly tree: OrganisationTree,
    private readonly queries: ActivityQueryService,
  ) {}

  async create(payload: ActivityImportPayload, caller: RestCaller): Promise<ActivityDto> {
    await this.placeable(payload, caller.scope);
    const outcome = await this.apply({ ...this.command(caller, 'UPSERT', payload), expectedVersion: 0 });
    return this.viewOf(outcome);
  }

  async update(id: string, expectedVersion: number | undefined, payload: ActivityImportPayload, caller: RestCaller): Promise<ActivityDto> {
    await this.visible(id, caller.scope);
    await this.placeable(payload, caller.scope);
    const outcome = await this.apply({ ...this.command(caller, 'UPSERT', payload), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) });
    return this.viewOf(outcome);
  }

  async delete(id: string, expectedVersion: number | undefined, caller: RestCaller): Promise<void> {
    await this.visible(id, caller.scope);
    await this.apply({ ...this.command(caller, 'DELETE', null), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) });
  }

  /** A scoped key changes only what it sees: an activity of another subtree is as unknown as a wrong id. */
  private async visible(id: string, scope: string | null): Promise<void> {
    if (scope !== null && !(await this.queries.get(id, scope))) throw notFound();
  }

  /** A scoped key places an activity only in its subtree: another organisation is 404, as if unknown. */
  private async placeable(payload: ActivityImportPayload, scope: string | null): Promise<void> {
    const organisationId = payload.organisation?.id;
    if (scope === null || !organisationId) return;
    if (!(await this.tree.containsAny(scope, [organisationId]))) {
      throw Problems.notFound('No organisation with this id.');
    }
  }

  private command(caller: RestCaller, op: ActivityCommand['op'], payload: ActivityImportPayload | null): ActivityCommand {
    const recordId = randomUUID();
    // A REST write is a batch of one: its record id is also its batch id. The scope goes with it:
    // the writer checks it again under the row locks.
    return {
      recordId,
      batchId: recordId,
      source: { system: 'api', connectorId: null, actor: caller.actor },
      externalId: null,
      op,
      payload,
      correlationId: caller.correlationId ?? null,
      ...(caller.scope === null ? {} : { scope: caller.scope }),
    };
  }

  private async apply(command: ActivityCommand): Promise<ActivityOutcome> {
    const [outcome] = await this.activities.apply([command]);
    if (!outcome) throw new Error('applyCommands returned no outcome');
    if (outcome.outcome === 'REJECTED') throw rejection(outcome.reasons);
    return outcome;
  }

  private viewOf(outcome: ActivityOutcome): ActivityDto {
    if (!outcome.state || outcome.version === null) throw new Error(`a ${outcome.outcome} outcome without the activity's state`);
    return toActivityView(outcome.state, outcome.version);
  }
}

function rejection(reasons: readonly Reason[]): ProblemException {
  const has = (code: string) => reasons.find((r) => r.code === code);
  // Out of the key's subtree (moved there meanwhile): as unknown as a wrong id.
  if (has(ReasonCode.NOT_FOUND) || has(ReasonCode.OUT_OF_SCOPE)) return notFound();
  const stale = has(ReasonCode.STALE_VERSION);
  if (stale) return Problems.preconditionFailed(`${stale.message} Read it again and retry with its ETag.`, [toFieldError(stale)]);
  return Problems.validation(reasons.map(toFieldError), 'The activity was not accepted; see errors.');
}
