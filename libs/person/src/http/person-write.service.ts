import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Problems, type FieldError, type ProblemException } from '@stafett/api';
import type { PersonImportPayload, Reason } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { InjectEntityWriter, type EntityCommand, type EntityOutcome, type EntityWriter } from '@stafett/entity-pipeline';
import type { PersonPatch, PersonState } from '../domain/person.model';
import type { ProtectedIdentities } from '../domain/person.rules';
import type { PersonDto } from './dtos/person.dto';
import { toPersonView } from './person-view';

/** Who writes, for `source` and `correlationId` of the change event. */
export interface RestCaller {
  readonly actor: string;
  readonly correlationId: string | undefined;
  /** The organisation subtree of the caller's key (`@KeyScope()`); null or absent: a global key. The writer checks it under the row locks. */
  readonly scope?: string | null;
}

type Write = 'create' | 'update' | 'delete';

/** Postgres unique_violation: a person with the personnummer was created at the same moment. */
const UNIQUE_VIOLATION = '23505';

/** Reasons name import fields (`guardians[0].person`); a REST client sent `guardians[0].personId`. */
const restField = (field: string | null | undefined): string | null =>
  field == null ? null : field.replace(/^(guardians\[\d+\])\.person$/, '$1.personId').replace(/^(memberships\[\d+\])\.organisation$/, '$1.organisationId');

const toFieldError = (r: Reason): FieldError => ({ field: restField(r.field), code: r.code, message: r.message });

type PersonCommand = EntityCommand<PersonImportPayload>;
type PersonOutcome = EntityOutcome<PersonState>;

/**
 * REST writes as person commands (`source.system: "api"`, the key's name as actor), applied by the
 * person's entity writer: the rules, versions and events of imports. A
 * refused command becomes a problem: NOT_FOUND → 404, STALE_VERSION → 412, AMBIGUOUS_MATCH → 409,
 * PROTECTED_IDENTITY → the same 409 as a number that belongs to a person (so the answer does not
 * tell who is protected), anything else → 422 naming the fields.
 */
@Injectable()
export class PersonWriteService {
  constructor(@InjectEntityWriter('person') private readonly persons: EntityWriter<PersonState, PersonImportPayload, PersonPatch, ProtectedIdentities>) {}

  /**
   * A new person. `expectedVersion: 0` makes it create-only: a personnummer that already belongs
   * to a person is a 409 conflict, never an update of that person.
   */
  async create(payload: PersonImportPayload, caller: RestCaller): Promise<PersonDto> {
    const outcome = await this.apply({ ...this.command(caller, 'UPSERT', payload), expectedVersion: 0 }, 'create');
    return this.viewOf(outcome);
  }

  /**
   * `protectedIdentity: true`: nothing of the person is kept. The holder of the number (or of
   * `id`) is erased and the number remembered as a keyed hash; with no such person, only the
   * hash is registered. Either way the caller learns nothing about whether the person existed.
   */
  async protect(payload: PersonImportPayload, caller: RestCaller, id?: string, expectedVersion?: number): Promise<void> {
    const command: PersonCommand = {
      ...this.command(caller, 'UPSERT', { personalIdentityNumber: payload.personalIdentityNumber ?? null, protectedIdentity: true }),
      ...(id ? { targetId: id } : {}),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    };
    const [outcome] = await this.persons.apply([command]);
    if (outcome?.outcome !== 'REJECTED') return;
    if (outcome.reasons.some((r) => r.code === ReasonCode.NOT_FOUND || r.code === ReasonCode.OUT_OF_SCOPE)) throw Problems.notFound('No person with this id.');
    const stale = outcome.reasons.find((r) => r.code === ReasonCode.STALE_VERSION);
    if (stale) throw Problems.preconditionFailed(`${stale.message} Read it again and retry.`, [toFieldError(stale)]);
  }

  async update(id: string, expectedVersion: number | undefined, payload: PersonImportPayload, caller: RestCaller): Promise<PersonDto> {
    const outcome = await this.apply({ ...this.command(caller, 'UPSERT', payload), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'update');
    return this.viewOf(outcome);
  }

  async delete(id: string, expectedVersion: number | undefined, caller: RestCaller): Promise<void> {
    await this.apply({ ...this.command(caller, 'DELETE', null), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'delete');
  }

  /** GDPR erasure: deleted, and the DELETE event carries no personal field (not even `before`). */
  async erase(id: string, caller: RestCaller, expectedVersion?: number): Promise<void> {
    await this.apply({ ...this.command(caller, 'ERASE', null), targetId: id, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, 'delete');
  }

  private command(caller: RestCaller, op: PersonCommand['op'], payload: PersonImportPayload | null): PersonCommand {
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

  private async apply(command: PersonCommand, write: Write): Promise<PersonOutcome> {
    let outcome: PersonOutcome | undefined;
    try {
      [outcome] = await this.persons.apply([command]);
    } catch (e) {
      if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) throw alreadyExists();
      throw e;
    }
    if (!outcome) throw new Error('applyCommands returned no outcome');
    if (outcome.outcome === 'REJECTED') throw rejection(outcome.reasons, write);
    return outcome;
  }

  private viewOf(outcome: PersonOutcome): PersonDto {
    if (!outcome.state || outcome.version === null) throw new Error(`a ${outcome.outcome} outcome without the person's state`);
    return toPersonView(outcome.state, outcome.version);
  }
}

function alreadyExists(): ProblemException {
  return Problems.conflict(
    'A person with this personal identity number is already in the register; find it with GET /v1/persons?personalIdentityNumber= and change it with PATCH.',
    [{ field: 'personalIdentityNumber', code: ReasonCode.AMBIGUOUS_MATCH, message: 'The personal identity number already belongs to a person.' }],
  );
}

function rejection(reasons: readonly Reason[], write: Write): ProblemException {
  const has = (code: string) => reasons.find((r) => r.code === code);
  if (has(ReasonCode.NOT_FOUND)) return Problems.notFound('No person with this id.');
  // Through an organisation-scoped key (checked again by the writer under the row locks): outside the subtree is unknown.
  const outside = has(ReasonCode.OUT_OF_SCOPE);
  if (outside) {
    return write === 'create'
      ? Problems.notFound('No organisation with this id.', [
          { field: 'memberships', code: outside.code, message: "The person needs a membership in an organisation of this API key's subtree." },
        ])
      : Problems.notFound('No person with this id.');
  }
  // A protected number answers as a number that is taken: the API tells no key holder who is protected.
  if (has(ReasonCode.PROTECTED_IDENTITY)) return alreadyExists();
  const stale = has(ReasonCode.STALE_VERSION);
  // On a create, the only person it can have found is the holder of its personnummer.
  if (stale) return write === 'create' ? alreadyExists() : Problems.preconditionFailed(`${stale.message} Read it again and retry with its ETag.`, [toFieldError(stale)]);
  const ambiguous = has(ReasonCode.AMBIGUOUS_MATCH);
  if (ambiguous) return Problems.conflict(ambiguous.message, [toFieldError(ambiguous)]);
  return Problems.validation(reasons.map(toFieldError), 'The person was not accepted; see errors.');
}
