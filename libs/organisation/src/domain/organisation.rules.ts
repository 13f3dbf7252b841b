import { Injectable } from '@nestjs/common';
import { contractType, entityContracts, type ExternalId, type OrganisationImportPayload, type Reason, type Reference } from '@stafett/contracts';
import { parseOrganisationNumber, ReasonCode } from '@stafett/domain';
import type { EntityCommand, EntityRules, ReferenceResolver, Screening, Stored, Validation } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import { OrganisationRepository, type OrganisationKeys } from '../database/organisation.repository';
import { checkHierarchy, type Dependent, type HierarchyNode, type HierarchyView } from './organisation-hierarchy';
import { applyPatch, changedFields, organisationsOf, toContract, type FederationState, type OrganisationPatch, type OrganisationState } from './organisation.model';
import { validateOrganisationPayload } from './validate-organisation';

function normalizedOrganisationNumber(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const parsed = parseOrganisationNumber(raw);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * What the organisation rules load once per batch (`prepare`): the ancestry (type and parent) of
 * every organisation the batch references, and the organisations directly below those whose type
 * changes or that are deleted.
 */
export class OrganisationBatchContext {
  constructor(
    readonly nodes: ReadonlyMap<string, HierarchyNode> = new Map(),
    readonly dependents: ReadonlyMap<string, readonly Dependent[]> = new Map(),
  ) {}

  /** The hierarchy as one command sees it: the batch's own states first (they may have changed), then the register. */
  view(refs: ReferenceResolver<OrganisationState>): HierarchyView {
    return {
      node: (id) => {
        const s = refs.state(id);
        return s ? { type: s.type, parentId: s.parentId } : this.nodes.get(id);
      },
      // A child that the batch moved elsewhere (or changed) is judged by its batch state.
      dependents: (id) =>
        (this.dependents.get(id) ?? []).flatMap((d): Dependent[] => {
          const s = refs.state(d.id);
          if (!s) return [d];
          const still = d.via === 'parent' ? s.parentId === id : s.federations.some((f) => f.organisationId === id);
          return still ? [{ ...d, type: s.type }] : [];
        }),
    };
  }
}

const HAS_CHILDREN_MESSAGE = 'The organisation still has organisations below it (children or member clubs); move or delete them first.';

/**
 * The organisation regelverk on the entity pipeline (DESIGN §2–§3): field validation, matching on
 * the organisationsnummer, the hierarchy of Swedish organised sport (parent types, no cycles,
 * federations of clubs), and no deletion of an organisation with organisations below it.
 */
@Injectable()
export class OrganisationRules implements EntityRules<OrganisationState, OrganisationImportPayload, OrganisationPatch, OrganisationBatchContext> {
  readonly entity = 'organisation';
  readonly schema = 'organisation';
  readonly naturalKeyField = 'organisationNumber';
  readonly contracts = (() => {
    const c = entityContracts('organisation');
    return {
      importRecord: contractType(c.importRecord),
      changed: contractType(c.changed),
      state: contractType(c.state),
    };
  })();

  constructor(private readonly repository: OrganisationRepository) {}

  naturalKeyOf(payload: OrganisationImportPayload | null): string | undefined {
    return normalizedOrganisationNumber(payload?.organisationNumber);
  }

  /** References carry no organisationsnummer (`se.stafett.common.Reference`): by id or link only. */
  naturalKeyOfReference(_ref: Reference): string | undefined {
    return undefined;
  }

  naturalKeyOfState(state: OrganisationState): string | null {
    return state.organisationNumber;
  }

  references(payload: OrganisationImportPayload | null): readonly Reference[] {
    if (!payload) return [];
    const refs: Reference[] = [];
    if (payload.parent) refs.push(payload.parent);
    for (const f of payload.federations ?? []) refs.push(f.organisation);
    return refs;
  }

  organisationsOf(state: OrganisationState): readonly string[] {
    return organisationsOf(state);
  }

  /**
   * Under the hierarchy lock (when the batch sets references, clears fields, changes a type or
   * deletes): one recursive query up `parent_id` from every organisation the batch references (its
   * ancestry, for parent types and cycles), and, when a command changes a type or deletes, one query
   * for the organisations directly below its target.
   */
  async prepare(tx: SqlExecutor, commands: readonly EntityCommand<OrganisationImportPayload>[]): Promise<OrganisationBatchContext> {
    const references = commands.flatMap((c) => this.references(c.payload));
    const reshaping = commands.filter((c) => c.op !== 'UPSERT' || c.payload?.type != null);
    // The hierarchy is read under the lock (batches that only create or change other fields skip it).
    if (references.length > 0 || reshaping.length > 0 || commands.some((c) => c.payload?.clearFields?.length)) await this.repository.lockHierarchy(tx);
    const nodes = await this.repository.ancestry(tx, keysOf(references));
    if (reshaping.length === 0) return new OrganisationBatchContext(nodes);
    const targets: OrganisationKeys = {
      ids: reshaping.flatMap((c) => (c.targetId ? [c.targetId] : [])),
      links: reshaping.flatMap((c) => (c.externalId !== null ? [{ system: c.source.system, externalId: c.externalId }] : [])),
      organisationNumbers: reshaping.flatMap((c) => normalizedOrganisationNumber(c.payload?.organisationNumber) ?? []),
    };
    return new OrganisationBatchContext(nodes, await this.repository.dependents(tx, targets));
  }

  /** A deletion of an organisation with organisations below it is refused (HAS_CHILDREN): nothing is orphaned. */
  screen(c: EntityCommand<OrganisationImportPayload>, existing: Stored<OrganisationState> | undefined, context: OrganisationBatchContext): Screening {
    if (c.op === 'UPSERT' || !existing) return undefined;
    if ((context.dependents.get(existing.state.id)?.length ?? 0) > 0) return { reject: [{ code: ReasonCode.HAS_CHILDREN, field: 'id', message: HAS_CHILDREN_MESSAGE }] };
    return undefined;
  }

  validate(
    payload: OrganisationImportPayload,
    existing: OrganisationState | undefined,
    refs: ReferenceResolver<OrganisationState>,
    context: OrganisationBatchContext,
  ): Validation<OrganisationPatch> {
    const validated = validateOrganisationPayload(payload, existing);
    if (validated.errors.length > 0) return { errors: validated.errors };
    const patch = { ...validated.patch };
    const unknown: Reason[] = [];
    if (validated.parentRef === null) patch.parentId = null;
    else if (validated.parentRef !== undefined) {
      const id = refs.same(validated.parentRef);
      if (id) patch.parentId = id;
      else unknown.push({ code: ReasonCode.UNKNOWN_REFERENCE, field: 'parent', message: 'No such organisation in the register (by id or external id).' });
    }
    if (validated.federationRefs) {
      const federations: FederationState[] = [];
      validated.federationRefs.forEach((f, i) => {
        const id = refs.same(f.ref);
        if (!id)
          unknown.push({ code: ReasonCode.UNKNOWN_REFERENCE, field: `federations[${i}].organisation`, message: 'No such organisation in the register (by id or external id).' });
        else if (!federations.some((x) => x.organisationId === id && x.sport === f.sport)) federations.push({ organisationId: id, sport: f.sport });
      });
      patch.federations = federations;
    }
    if (unknown.length > 0) return { errors: unknown };
    const errors = checkHierarchy(existing, patch, context.view(refs));
    return errors.length > 0 ? { errors } : { patch };
  }

  applyPatch(id: string, existing: OrganisationState | undefined, patch: OrganisationPatch, externalIds: readonly ExternalId[]): OrganisationState {
    return applyPatch(id, existing, patch, externalIds);
  }

  changedFields(before: OrganisationState | undefined, after: OrganisationState): string[] {
    return changedFields(before, after);
  }

  toContract(state: OrganisationState): unknown {
    return toContract(state);
  }
}

function keysOf(refs: readonly Reference[]): OrganisationKeys {
  return {
    ids: refs.flatMap((r) => (r.id ? [r.id] : [])),
    links: refs.flatMap((r) => (!r.id && r.system && r.externalId ? [{ system: r.system, externalId: r.externalId }] : [])),
    organisationNumbers: [],
  };
}
