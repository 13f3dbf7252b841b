export * from './database/organisation-entities';
export * from './database/organisation-migrations';
export * from './organisation-options';
export * from './organisation.module';
