import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { contractType, entityContracts, type ActivityImportPayload, type ExternalId, type Reference } from '@stafett/contracts';
import type { EntityCommand, EntityRules, ForeignReference, ProjectedEntity, ReferenceResolver, Validation } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import { ActivityRepository } from '../database/activity.repository';
import { applyPatch, changedFields, toContract, type ActivityPatch, type ActivityState } from './activity.model';
import { validateActivityPayload } from './validate-activity';

/** The source of the commands the platform derives itself (a referenced entity was removed). */
export const SYSTEM_SOURCE = 'stafett';

/** What the activity rules know for a whole batch: its clock, and which payloads are the platform's own commands. */
export interface ActivityBatch {
  readonly now: number;
  readonly systemPayloads: ReadonlySet<ActivityImportPayload>;
}

/**
 * The activity regelverk on the entity pipeline (DESIGN §3; `validateActivityPayload` has the
 * rules). Activities have no natural key: an import matches by its (system, externalId) link only.
 * They reference an organisation, optionally a group, and persons as participants, all resolved
 * through this service's projections; when a person is erased or a group deleted, the activities
 * that name them follow (`onForeignRemoved`).
 */
@Injectable()
export class ActivityRules implements EntityRules<ActivityState, ActivityImportPayload, ActivityPatch, ActivityBatch> {
  readonly entity = 'activity';
  readonly schema = 'activity';
  readonly naturalKeyField = 'id';
  readonly contracts = (() => {
    const c = entityContracts('activity');
    return {
      importRecord: contractType(c.importRecord),
      changed: contractType(c.changed),
      state: contractType(c.state),
    };
  })();

  /** Epoch milliseconds, read once per batch (unit tests set it). */
  clock: () => number = Date.now;

  constructor(private readonly repository: ActivityRepository) {}

  naturalKeyOf(): string | undefined {
    return undefined;
  }

  naturalKeyOfReference(): string | undefined {
    return undefined;
  }

  naturalKeyOfState(): string | null {
    return null;
  }

  references(): readonly Reference[] {
    return [];
  }

  foreignReferences(payload: ActivityImportPayload | null): readonly ForeignReference[] {
    if (!payload) return [];
    const found: ForeignReference[] = [];
    if (payload.organisation) found.push({ entity: 'organisation', ref: payload.organisation });
    if (payload.group) found.push({ entity: 'group', ref: payload.group });
    for (const p of payload.participants ?? []) found.push({ entity: 'person', ref: p.person });
    return found;
  }

  organisationsOf(state: ActivityState): readonly string[] {
    return [state.organisationId];
  }

  prepare(_tx: SqlExecutor, commands: readonly EntityCommand<ActivityImportPayload>[]): Promise<ActivityBatch> {
    const systemPayloads = new Set<ActivityImportPayload>();
    for (const c of commands) if (c.source.system === SYSTEM_SOURCE && c.externalId === null && c.payload) systemPayloads.add(c.payload);
    return Promise.resolve({ now: this.clock(), systemPayloads });
  }

  validate(payload: ActivityImportPayload, existing: ActivityState | undefined, refs: ReferenceResolver<ActivityState>, batch: ActivityBatch): Validation<ActivityPatch> {
    return validateActivityPayload(payload, existing, refs, { now: batch.now, system: batch.systemPayloads.has(payload) });
  }

  applyPatch(id: string, existing: ActivityState | undefined, patch: ActivityPatch, externalIds: readonly ExternalId[]): ActivityState {
    return applyPatch(id, existing, patch, externalIds);
  }

  changedFields(before: ActivityState | undefined, after: ActivityState): string[] {
    return changedFields(before, after);
  }

  toContract(state: ActivityState): unknown {
    return toContract(state);
  }

  /**
   * A person erased or deleted: every activity they took part in loses them (whatever its status:
   * a HELD activity keeps no trace of an erased person). A group deleted: its activities keep
   * their organisation and lose the group. One indexed lookup, one command per activity.
   */
  async onForeignRemoved(tx: SqlExecutor, entity: ProjectedEntity, ids: readonly string[]): Promise<EntityCommand<ActivityImportPayload>[]> {
    if (ids.length === 0) return [];
    const batchId = randomUUID();
    const command = (activityId: string, payload: ActivityImportPayload): EntityCommand<ActivityImportPayload> => ({
      recordId: randomUUID(),
      batchId,
      source: { system: SYSTEM_SOURCE, connectorId: null, actor: `${entity}-removed` },
      externalId: null,
      targetId: activityId,
      op: 'UPSERT',
      payload,
    });
    if (entity === 'person') {
      const removed = new Set(ids);
      // Locked (in id order) until the projection's transaction applies the commands: a write in between would be lost.
      const activities = await this.repository.load(tx, await this.repository.idsByParticipant(tx, ids), { lock: true });
      return [...activities.values()].map(({ state }) =>
        command(state.id, {
          participants: state.participants.filter((p) => !removed.has(p.personId)).map((p) => ({ person: { id: p.personId }, role: p.role, attended: p.attended })),
        }),
      );
    }
    if (entity === 'group') {
      return (await this.repository.idsByGroup(tx, ids)).map((id) => command(id, { clearFields: ['group'] }));
    }
    return [];
  }
}
