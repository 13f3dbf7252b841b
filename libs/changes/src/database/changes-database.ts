import { CreateChangesSchema1795960000000 } from './migrations/1795960000000-CreateChangesSchema';
import { ChangeEventAsAvro1796600000000 } from './migrations/1796600000000-ChangeEventAsAvro';

/**
 * Add to the DataSource of the app that imports `ChangesModule`. Empty: the change log is read and
 * written with plain SQL on the pool (like the entity pipeline's tables), so no TypeORM entity maps it.
 */
export const CHANGES_ENTITIES: readonly (new () => unknown)[] = [];

/** The `changes` schema's migrations, oldest first: add them to the same DataSource. */
export const CHANGES_MIGRATIONS = [CreateChangesSchema1795960000000, ChangeEventAsAvro1796600000000];
