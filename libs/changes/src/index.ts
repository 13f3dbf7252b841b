export { DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE, type ChangesModuleOptions } from './changes-options';
export { ChangesModule } from './changes.module';
export { ChangeLogConsumer } from './consumer/change-log.consumer';
export { ChangeLogStore } from './database/change-log.store';
export { CHANGES_ENTITIES, CHANGES_MIGRATIONS } from './database/changes-database';
export { ChangeRetention } from './retention/change-retention';
