export * from './database/person-entities';
export * from './database/person-migrations';
export * from './import/person-commands';
export { PersonImportService } from './import/person-import.consumer';
export * from './person-options';
export * from './person.module';
