import { entityPipelineMigration, entityReferencesMigration } from '@stafett/entity-pipeline';
import { CreateGroupSchema1796100000100 } from './migrations/1796100000100-CreateGroupSchema';

/** The group service's migrations, in order (the all-in-one app concatenates every service's). */
export const GROUP_MIGRATIONS = [CreateGroupSchema1796100000100, entityPipelineMigration('group', 1796100000101), entityReferencesMigration('group', 1796100000102)];
