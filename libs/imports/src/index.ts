export { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS } from './database/imports-database';
export { IMPORT_BODY_LIMIT, MAX_RECORDS_PER_IMPORT, type ImportsModuleOptions } from './imports-options';
export { ImportsModule } from './imports.module';
