import { CONNECT_RUNTIME_MIGRATIONS } from '@stafett/connector-sdk';
import { CreateConnectAgreements1796400000010 } from './migrations/1796400000010-CreateConnectAgreements';

/** The `connect` schema's migrations (the runtime's, then the agreements'), oldest first: add them to the app's DataSource. No TypeORM entities: plain SQL. */
export const CONNECTORS_MIGRATIONS = [...CONNECT_RUNTIME_MIGRATIONS, CreateConnectAgreements1796400000010];
