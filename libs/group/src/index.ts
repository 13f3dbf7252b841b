export * from './database/group-entities';
export * from './database/group-migrations';
export * from './domain/group.model';
export * from './group-options';
export * from './group.module';
