export * from './activity-options';
export * from './activity.module';
export * from './database/activity-entities';
export * from './database/activity-migrations';
