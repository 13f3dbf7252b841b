import { entityPipelineMigration, entityReferencesMigration } from '@stafett/entity-pipeline';
import { CreateOrganisationSchema1796000000000 } from './migrations/1796000000000-CreateOrganisationSchema';

/**
 * The organisation service's migrations, in order (the all-in-one app concatenates every service's):
 * its tables, then the pipeline's (outbox, links, consumer offsets) and the reference tables
 * (projections, organisation edges, parking) in the same schema.
 */
export const ORGANISATION_MIGRATIONS = [
  CreateOrganisationSchema1796000000000,
  entityPipelineMigration('organisation', 1796000000001),
  entityReferencesMigration('organisation', 1796000000002),
];
