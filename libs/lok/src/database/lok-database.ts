import { CreateLokSchema1796400000000 } from './migrations/1796400000000-CreateLokSchema';

/** Empty: the projection is read and written with plain SQL on the pool (as the change log is). */
export const LOK_ENTITIES: readonly (new () => unknown)[] = [];

/** The `lok` schema's migrations, oldest first: add them to the app's DataSource. */
export const LOK_MIGRATIONS = [CreateLokSchema1796400000000];
