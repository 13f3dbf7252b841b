export * from './database/person-entities';
export * from './database/person-migrations';
export * from './person-options';
export * from './person.module';
