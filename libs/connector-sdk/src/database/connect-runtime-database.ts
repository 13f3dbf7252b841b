import { CreateConnectRuntime1796400000000 } from './migrations/1796400000000-CreateConnectRuntime';

/** The connector runtime's migrations (schema `connect`), oldest first: add them to the app's DataSource. No TypeORM entities: the runtime runs plain SQL. */
export const CONNECT_RUNTIME_MIGRATIONS = [CreateConnectRuntime1796400000000];
