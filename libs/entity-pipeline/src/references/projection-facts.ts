import type { ExternalId } from '@stafett/contracts';
import { parsePersonalIdentityNumber } from '@stafett/domain';
import type { ProjectedEntity } from '../domain/entity-rules.port';

/** What a service keeps of a foreign entity's state (the contract record of its state topic). */
export interface ProjectionFacts {
  readonly naturalKey: string | null;
  readonly type: string | null;
  /** The organisations it belongs to (an organisation: its parent and federations). */
  readonly organisationIds: readonly string[];
  readonly externalIds: readonly ExternalId[];
}

type Loose = Record<string, unknown> | null | undefined;
const ids = (list: unknown, field: string): string[] => (Array.isArray(list) ? list.flatMap((x: Loose) => (x && typeof x[field] === 'string' ? [x[field]] : [])) : []);

/**
 * The state fields `projectionFacts` reads, per entity: the projection consumer decodes only these
 * (every change of the register passes through two projections in the all-in-one).
 */
export const PROJECTED_FIELDS: Record<ProjectedEntity, readonly string[]> = {
  organisation: ['organisationNumber', 'type', 'parentId', 'federations', 'externalIds'],
  person: ['personalIdentityNumber', 'memberships', 'externalIds'],
  group: ['type', 'organisationId', 'externalIds'],
  activity: ['type', 'organisationId', 'externalIds'],
};

/** The facts of an entity's state record, by kind (the canonical contracts of DESIGN §2). */
export function projectionFacts(entity: ProjectedEntity, state: Record<string, unknown>): ProjectionFacts {
  const externalIds = Array.isArray(state['externalIds']) ? (state['externalIds'] as ExternalId[]) : [];
  switch (entity) {
    case 'organisation': {
      const parent = typeof state['parentId'] === 'string' ? [state['parentId']] : [];
      return {
        naturalKey: typeof state['organisationNumber'] === 'string' ? state['organisationNumber'] : null,
        type: typeof state['type'] === 'string' ? state['type'] : null,
        organisationIds: [...new Set([...parent, ...ids(state['federations'], 'organisationId')])],
        externalIds,
      };
    }
    case 'person': {
      const raw = state['personalIdentityNumber'];
      const parsed = typeof raw === 'string' ? parsePersonalIdentityNumber(raw) : undefined;
      return {
        naturalKey: parsed?.ok ? parsed.value.normalized : null,
        type: null,
        organisationIds: [...new Set(ids(state['memberships'], 'organisationId'))],
        externalIds,
      };
    }
    case 'group':
    case 'activity':
      return {
        naturalKey: null,
        type: typeof state['type'] === 'string' ? state['type'] : null,
        organisationIds: typeof state['organisationId'] === 'string' ? [state['organisationId']] : [],
        externalIds,
      };
  }
}
