import { entityReferencesMigration } from '@stafett/entity-pipeline';
import { outboxMigration } from '@stafett/outbox';
import { CreatePersonSchema1795910000000 } from './migrations/1795910000000-CreatePersonSchema';
import { PersonOnEntityPipeline1795920000000 } from './migrations/1795920000000-PersonOnEntityPipeline';
import { PersonNamePrefixIndexes1796600000010 } from './migrations/1796600000010-PersonNamePrefixIndexes';

/** The person service's migrations, in order (the all-in-one app concatenates every service's). */
export const PERSON_MIGRATIONS = [
  CreatePersonSchema1795910000000,
  outboxMigration('person', 1795910000001),
  PersonOnEntityPipeline1795920000000,
  // Projections of other entities (organisations: the subtrees of organisation-scoped API keys), parked records.
  entityReferencesMigration('person', 1796300000000),
  PersonNamePrefixIndexes1796600000010,
];
