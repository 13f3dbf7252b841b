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
 * What the organisation rules know for a batch: loaded once (`prepare`), the ancestry (type and
 * parent) of every organisation the batch references and the organisations directly below those
 * whose type changes or that are deleted; then, command by command, what the batch itself removed
 * and placed below other organisations (so a later command of the batch sees it).
 */
export class OrganisationBatchContext {
  private readonly removed = new Set<string>();
  private readonly added = new Map<string, Dependent[]>();
  private created = 0;

  constructor(
    readonly nodes: ReadonlyMap<string, HierarchyNode> = new Map(),
    private readonly loadedDependents: ReadonlyMap<string, readonly Dependent[]> = new Map(),
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
        this.candidates(id).flatMap((d): Dependent[] => {
          const s = refs.state(d.id);
          if (!s) return [d];
          const still = d.via === 'parent' ? s.parentId === id : s.federations.some((f) => f.organisationId === id);
          return still ? [{ ...d, type: s.type }] : [];
        }),
    };
  }

  /** Whether anything may still be below `id` (a child moved away earlier in the batch still counts: refused rather than orphaned). */
  hasDependents(id: string): boolean {
    return this.candidates(id).length > 0;
  }

  /** An organisation the batch deletes (screened before its removal, which then always happens). */
  noteRemoved(id: string): void {
    this.removed.add(id);
  }

  /** An organisation the batch writes (validated): it is below its parent and its federations from now on. */
  noteWritten(existing: OrganisationState | undefined, patch: OrganisationPatch): void {
    const type = patch.type ?? existing?.type;
    if (type === undefined || (patch.parentId === undefined && patch.federations === undefined && patch.type === undefined)) return;
    const id = existing?.id ?? `new-${++this.created}`;
    const parentId = patch.parentId !== undefined ? patch.parentId : (existing?.parentId ?? null);
    const add = (holder: string, via: Dependent['via']) => this.added.set(holder, [...(this.added.get(holder) ?? []), { id, type, via }]);
    if (parentId) add(parentId, 'parent');
    for (const f of patch.federations ?? existing?.federations ?? []) add(f.organisationId, 'federation');
  }

  private candidates(id: string): Dependent[] {
    const all = [...(this.loadedDependents.get(id) ?? []), ...(this.added.get(id) ?? [])].filter((d) => !this.removed.has(d.id));
    return all.filter((d, i) => all.findIndex((x) => x.id === d.id && x.via === d.via) === i);
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
    if (context.hasDependents(existing.state.id)) return { reject: [{ code: ReasonCode.HAS_CHILDREN, field: 'id', message: HAS_CHILDREN_MESSAGE }] };
    context.noteRemoved(existing.state.id);
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
        else federations.push({ organisationId: id, sport: f.sport });
      });
      // Index for index the payload's until checked (errors name federations[i]).
      patch.federations = federations;
    }
    if (unknown.length > 0) return { errors: unknown };
    const errors = checkHierarchy(existing, patch, context.view(refs));
    if (errors.length > 0) return { errors };
    if (patch.federations) patch.federations = patch.federations.filter((f, i, all) => all.findIndex((x) => x.organisationId === f.organisationId && x.sport === f.sport) === i);
    context.noteWritten(existing, patch);
    return { patch };
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
