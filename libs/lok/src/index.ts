export * from './application/lok-application.service';
export * from './database/lok-database';
export * from './database/lok-projection.store';
export * from './files/lok-files';
export * from './lok-options';
export * from './lok.module';
export * from './sink/lok-sink';
