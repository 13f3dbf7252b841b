import { ApiKeyEntity } from './api-key.entity';
import { CreateAuthSchema1795915000000 } from './migrations/1795915000000-CreateAuthSchema';
import { ApiKeyRolesAndExpiry1796100000000 } from './migrations/1796100000000-ApiKeyRolesAndExpiry';
import { ApiKeyOrganisation1796300000010 } from './migrations/1796300000010-ApiKeyOrganisation';

/** Add to the DataSource of every app that imports `ApiModule` (any app serving `/v1`). */
export const API_ENTITIES = [ApiKeyEntity];

/** The `auth` schema's migrations, oldest first: add them to the same DataSource. */
export const API_MIGRATIONS = [CreateAuthSchema1795915000000, ApiKeyRolesAndExpiry1796100000000, ApiKeyOrganisation1796300000010];
