import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { contractType, entityContracts, type ExternalId, type GroupImportPayload, type Reference } from '@stafett/contracts';
import type { EntityCommand, EntityRules, ForeignReference, ProjectedEntity, ReferenceResolver, Validation } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import { GROUP_SCHEMA, GroupRepository } from '../database/group.repository';
import { applyPatch, changedFields, toContract, type GroupPatch, type GroupState } from './group.model';
import { foreignReferencesOf, validateGroupPayload } from './validate-group';

/** The source of the commands that follow a person's removal (DESIGN §2 `source`). */
export const PERSON_REMOVED_SOURCE = { system: 'stafett', connectorId: null, actor: 'person-removed' } as const;

/**
 * The group regelverk on the entity pipeline: an organisation's group of persons. No natural key
 * (groups are matched by their source links); the organisation and every member's person are
 * references resolved from this service's projections of the organisation and person state topics.
 * A person deleted or erased leaves every group it was a member of.
 */
@Injectable()
export class GroupRules implements EntityRules<GroupState, GroupImportPayload, GroupPatch> {
  readonly entity = 'group';
  readonly schema = GROUP_SCHEMA;
  /** Named in messages only: groups have no natural key. */
  readonly naturalKeyField = 'name';
  readonly contracts = (() => {
    const c = entityContracts('group');
    return { importRecord: contractType(c.importRecord), changed: contractType(c.changed), state: contractType(c.state) };
  })();

  constructor(private readonly repository: GroupRepository) {}

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

  foreignReferences(payload: GroupImportPayload | null): readonly ForeignReference[] {
    return foreignReferencesOf(payload);
  }

  organisationsOf(state: GroupState): readonly string[] {
    return [state.organisationId];
  }

  async prepare(): Promise<undefined> {
    return undefined;
  }

  validate(payload: GroupImportPayload, existing: GroupState | undefined, refs: ReferenceResolver<GroupState>): Validation<GroupPatch> {
    const { patch, errors } = validateGroupPayload(payload, existing, refs);
    return errors.length > 0 ? { errors } : { patch };
  }

  applyPatch(id: string, existing: GroupState | undefined, patch: GroupPatch, externalIds: readonly ExternalId[]): GroupState {
    return applyPatch(id, existing, patch, externalIds);
  }

  changedFields(before: GroupState | undefined, after: GroupState): string[] {
    return changedFields(before, after);
  }

  toContract(state: GroupState): unknown {
    return toContract(state);
  }

  /**
   * Persons deleted or erased: every group they were members of gets an UPSERT with its remaining
   * members (by id), so a group UPDATE without them follows. One indexed query for all of them.
   */
  async onForeignRemoved(tx: SqlExecutor, entity: ProjectedEntity, ids: readonly string[]): Promise<EntityCommand<GroupImportPayload>[]> {
    if (entity !== 'person' || ids.length === 0) return [];
    const removed = new Set(ids);
    const groups = await this.repository.membersOfGroupsWith(tx, ids);
    return [...groups].map(([groupId, members]) => {
      const recordId = randomUUID();
      return {
        recordId,
        batchId: recordId,
        source: PERSON_REMOVED_SOURCE,
        externalId: null,
        targetId: groupId,
        op: 'UPSERT',
        payload: { members: members.filter((m) => !removed.has(m.personId)).map((m) => ({ person: { id: m.personId }, role: m.role, from: m.from, to: m.to })), clearFields: [] },
      };
    });
  }
}
