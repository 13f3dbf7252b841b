import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Problems, type FieldError, type ProblemException } from '@stafett/api';
import type { OrganisationImportPayload, Reason } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { InjectEntityWriter, type EntityCommand, type EntityOutcome, type EntityWriter } from '@stafett/entity-pipeline';
import type { OrganisationBatchContext } from '../domain/organisation.rules';
import type { OrganisationPatch, OrganisationState } from '../domain/organisation.model';
import type { OrganisationDto } from './dtos/organisation.dto';
import { toOrganisationView } from './organisation-view';

/** Who writes, for `source` and `correlationId` of the change event. */
export interface RestCaller {
  readonly actor: string;
  readonly correlationId: string | undefined;
  /** The organisation subtree the caller's key is bound to (null: global); the writer checks it again in its transaction. */
  readonly scope?: string | null;
}

type Write = 'create' | 'update' | 'delete';

/** Postgres unique_violation: an organisation with the organisationsnummer was created at the same moment. */
const UNIQUE_VIOLATION = '23505';

/** Reasons name import fields (`parent`, `federations[0].organisation`); a REST client sent `parentId`, `federations[0].organisationId`. */
export const restField = (field: string | null | undefined): string | null =>
  field == null ? null : field === 'parent' ? 'parentId' : field.replace(/^(federations\[\d+\])\.organisation$/, '$1.organisationId');

const toFieldError = (r: Reason): FieldError => ({ field: restField(r.field), code: r.code, message: r.message });

type OrganisationCommand = EntityCommand<OrganisationImportPayload>;
type OrganisationOutcome = EntityOutcome<OrganisationState>;

/**
 * REST writes as organisation commands (`source.system: "api"`, the key's name as actor), applied
 * by the organisation's entity writer: the rules, versions and events of imports. A refused command
 * becomes a problem: NOT_FOUND and OUT_OF_SCOPE → 404, STALE_VERSION → 412, AMBIGUOUS_MATCH → 409, HAS_CHILDREN →
 * 409, anything else → 422 naming the fields.
 */
@Injectable()
export class OrganisationWriteService {
  constructor(
    @InjectEntityWriter('organisation') private readonly organisations: EntityWriter<OrganisationState, OrganisationImportPayload, OrganisationPatch, OrganisationBatchContext>,
  ) {}

  /** A new organisation; `expectedVersion: 0` makes it create-only (an organisationsnummer already registered is a 409). */
  async create(payload: OrganisationImportPayload, caller: RestCaller): Promise<OrganisationDto> {
    return this.viewOf(await this.apply({ ...this.command(caller, 'UPSERT', payload), expectedVersion: 0 }, 'create'));
  }

  async update(id: string, expectedVersion: number | undefined, payload: OrganisationImportPayload, caller: RestCaller): Promise<OrganisationDto> {
    const outcome = await this.apply({ ...this.command(caller, 'UPSERT', payload), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'update');
    return this.viewOf(outcome);
  }

  async delete(id: string, expectedVersion: number | undefined, caller: RestCaller): Promise<void> {
    await this.apply({ ...this.command(caller, 'DELETE', null), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'delete');
  }

  private command(caller: RestCaller, op: OrganisationCommand['op'], payload: OrganisationImportPayload | null): OrganisationCommand {
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
      ...(caller.scope ? { scope: caller.scope } : {}),
    };
  }

  private async apply(command: OrganisationCommand, write: Write): Promise<OrganisationOutcome> {
    let outcome: OrganisationOutcome | undefined;
    try {
      [outcome] = await this.organisations.apply([command]);
    } catch (e) {
      if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) throw alreadyExists();
      throw e;
    }
    if (!outcome) throw new Error('the writer returned no outcome');
    if (outcome.outcome === 'REJECTED') throw rejection(outcome.reasons, write);
    return outcome;
  }

  private viewOf(outcome: OrganisationOutcome): OrganisationDto {
    if (!outcome.state || outcome.version === null) throw new Error(`a ${outcome.outcome} outcome without the organisation's state`);
    return toOrganisationView(outcome.state, outcome.version);
  }
}

function alreadyExists(): ProblemException {
  return Problems.conflict('An organisation with this organisation number is already in the register; find it with GET /v1/organisations and change it with PATCH.', [
    { field: 'organisationNumber', code: ReasonCode.AMBIGUOUS_MATCH, message: 'The organisation number already belongs to an organisation.' },
  ]);
}

function rejection(reasons: readonly Reason[], write: Write): ProblemException {
  const has = (code: string) => reasons.find((r) => r.code === code);
  if (has(ReasonCode.NOT_FOUND)) return Problems.notFound('No organisation with this id.');
  // Outside a scoped key's subtree is as good as absent (the controller said so before; this is the transaction's word).
  if (has(ReasonCode.OUT_OF_SCOPE)) return Problems.notFound(write === 'create' ? 'No organisation with this parentId.' : 'No organisation with this id.');
  const stale = has(ReasonCode.STALE_VERSION);
  // On a create, the only organisation it can have found is the holder of its organisationsnummer.
  if (stale) return write === 'create' ? alreadyExists() : Problems.preconditionFailed(`${stale.message} Read it again and retry with its ETag.`, [toFieldError(stale)]);
  const children = has(ReasonCode.HAS_CHILDREN);
  if (children) return Problems.conflict(children.message, [toFieldError(children)]);
  const ambiguous = has(ReasonCode.AMBIGUOUS_MATCH);
  if (ambiguous) return Problems.conflict(ambiguous.message, [toFieldError(ambiguous)]);
  return Problems.validation(reasons.map(toFieldError), 'The organisation was not accepted; see errors.');
}
