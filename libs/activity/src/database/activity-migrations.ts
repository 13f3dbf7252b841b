import { entityPipelineMigration, entityReferencesMigration } from '@stafett/entity-pipeline';
import { CreateActivitySchema1796200000100 } from './migrations/1796200000100-CreateActivitySchema';

/** The activity service's migrations, in order (the all-in-one app concatenates every service's): its tables, then the pipeline's and the reference tables in its schema. */
export const ACTIVITY_MIGRATIONS = [CreateActivitySchema1796200000100, entityPipelineMigration('activity', 1796200000101), entityReferencesMigration('activity', 1796200000102)];
