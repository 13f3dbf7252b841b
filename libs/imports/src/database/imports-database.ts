import { ImportBatchEntity } from './import-batch.entity';
import { ImportResultEntity } from './import-result.entity';
import { CreateImportsSchema1795916000000 } from './migrations/1795916000000-CreateImportsSchema';
import { ImportBatchScope1796300000020 } from './migrations/1796300000020-ImportBatchScope';

/** Add to the DataSource of the app that imports `ImportsModule`. */
export const IMPORTS_ENTITIES = [ImportBatchEntity, ImportResultEntity];

/** The `imports` schema's migrations, oldest first: add them to the same DataSource. */
export const IMPORTS_MIGRATIONS = [CreateImportsSchema1795916000000, ImportBatchScope1796300000020];
