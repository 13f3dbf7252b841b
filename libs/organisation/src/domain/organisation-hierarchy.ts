import type { OrganisationType, Reason } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { sameValue, type FederationState, type OrganisationPatch, type OrganisationState } from './organisation.model';

/**
 * Which parent each type of organisation may have, in Swedish organised sport: Riksidrottsförbundet
 * (CONFEDERATION) is the root; a specialidrottsförbund (FEDERATION) sits under it or stands alone;
 * a district (DISTRICT, SDF or DF) under a federation or the confederation; a club (förening) under a
 * district, a federation or nothing; a section (sektion) always under a club; OTHER under anything.
 */
export const ALLOWED_PARENTS: Readonly<Record<OrganisationType, readonly OrganisationType[] | 'ANY'>> = {
  CONFEDERATION: [],
  FEDERATION: ['CONFEDERATION'],
  DISTRICT: ['FEDERATION', 'CONFEDERATION'],
  CLUB: ['DISTRICT', 'FEDERATION'],
  SECTION: ['CLUB'],
  OTHER: 'ANY',
};

/** Types that cannot stand without a parent. */
export const PARENT_REQUIRED: ReadonlySet<OrganisationType> = new Set(['SECTION']);

export function parentAllowed(child: OrganisationType, parent: OrganisationType): boolean {
  const allowed = ALLOWED_PARENTS[child];
  return allowed === 'ANY' || allowed.includes(parent);
}

/** What the hierarchy rules need to know of another organisation. */
export interface HierarchyNode {
  readonly type: OrganisationType;
  readonly parentId: string | null;
}

/** An organisation below another: its child (by parent) or a club of a federation (by membership). */
export interface Dependent {
  readonly id: string;
  readonly type: OrganisationType;
  readonly via: 'parent' | 'federation';
}

/** The register as the hierarchy rules see it (the batch's own states first, then what `prepare` loaded). */
export interface HierarchyView {
  node(id: string): HierarchyNode | undefined;
  /** The organisations below `id` (only loaded for organisations whose type changes or that are deleted). */
  dependents(id: string): readonly Dependent[];
}

const describe = (t: OrganisationType) => `a ${t}`;

/** A walk up the parents that visits more than this is a corrupted register (a real one is a handful of levels deep). */
const MAX_DEPTH = 1_000;

/**
 * The hierarchy rules for an organisation after a patch (its references resolved): the parent's type,
 * a required parent, no cycle, federations only for clubs and only federations as such, and the
 * organisations below it still fitting its (new) type. Only what the patch changes is checked, so an
 * old record that breaks a rule can still have its name corrected.
 */
export function checkHierarchy(existing: OrganisationState | undefined, patch: OrganisationPatch, view: HierarchyView): Reason[] {
  const errors: Reason[] = [];
  const type = patch.type ?? existing?.type;
  if (type === undefined) return errors; // REQUIRED already said so
  const parentId = patch.parentId !== undefined ? patch.parentId : (existing?.parentId ?? null);
  const federations: readonly FederationState[] = patch.federations ?? existing?.federations ?? [];
  const typeChanged = !existing || (patch.type !== undefined && patch.type !== existing.type);
  const parentChanged = !existing || (patch.parentId !== undefined && patch.parentId !== existing.parentId);
  const federationsChanged = !existing || (patch.federations !== undefined && !sameValue(patch.federations, existing.federations));

  if (parentChanged || typeChanged) {
    if (parentId === null) {
      if (PARENT_REQUIRED.has(type)) errors.push({ code: ReasonCode.REQUIRED, field: 'parent', message: `A ${type} needs a parent: a CLUB.` });
    } else if (existing && parentChanged && isAncestorOrSelf(existing.id, parentId, view)) {
      errors.push({
        code: ReasonCode.HIERARCHY_CYCLE,
        field: 'parent',
        message: 'The parent is the organisation itself or below it: the organisation would become its own ancestor.',
      });
    } else {
      const parent = view.node(parentId);
      if (!parent) errors.push({ code: ReasonCode.UNKNOWN_REFERENCE, field: 'parent', message: 'No such organisation in the register.' });
      else if (!parentAllowed(type, parent.type))
        errors.push({
          code: ReasonCode.INVALID_PARENT,
          field: 'parent',
          message: `${describe(type)} cannot have ${describe(parent.type)} as parent; allowed: ${allowedText(type)}.`,
        });
    }
  }

  if ((federationsChanged || typeChanged) && federations.length > 0) {
    if (type !== 'CLUB') {
      errors.push({ code: ReasonCode.INVALID_PARENT, field: 'federations', message: `Only a CLUB belongs to federations; ${describe(type)} cannot (clear them).` });
    } else {
      federations.forEach((f, i) => {
        const federation = view.node(f.organisationId);
        const field = `federations[${i}].organisation`;
        if (!federation) errors.push({ code: ReasonCode.UNKNOWN_REFERENCE, field, message: 'No such organisation in the register.' });
        else if (federation.type !== 'FEDERATION')
          errors.push({ code: ReasonCode.INVALID_PARENT, field, message: `A club belongs to FEDERATIONs, not to ${describe(federation.type)}.` });
      });
    }
  }

  if (existing && typeChanged) {
    const misfit = view.dependents(existing.id).find((d) => (d.via === 'parent' ? !parentAllowed(d.type, type) : type !== 'FEDERATION'));
    if (misfit) {
      const who = misfit.id.startsWith('new-') ? `a ${misfit.type} of this batch` : `${misfit.id} (${misfit.type})`;
      const why = misfit.via === 'parent' ? `its child ${who} cannot have ${describe(type)} as parent` : `club ${who} belongs to it as a federation`;
      errors.push({ code: ReasonCode.INVALID_PARENT, field: 'type', message: `The organisation cannot become ${describe(type)}: ${why}. Move those first.` });
    }
  }
  return errors;
}

/** Whether `ancestor` is `start` or one of its ancestors (walking up the parents). */
export function isAncestorOrSelf(ancestor: string, start: string, view: HierarchyView): boolean {
  const seen = new Set<string>();
  let at: string | null = start;
  while (at !== null && !seen.has(at) && seen.size < MAX_DEPTH) {
    if (at === ancestor) return true;
    seen.add(at);
    at = view.node(at)?.parentId ?? null;
  }
  return false;
}

function allowedText(type: OrganisationType): string {
  const allowed = ALLOWED_PARENTS[type];
  if (allowed === 'ANY') return 'any';
  if (allowed.length === 0) return 'none';
  const list = allowed.join(' or ');
  return PARENT_REQUIRED.has(type) ? list : `${list}, or none`;
}
