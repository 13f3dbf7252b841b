export * from './connector';
export * from './database/connect-runtime-database';
export * from './nest/connector-runtime.module';
export * from './runtime/connector-config';
export * from './runtime/json-schema';
export * from './runtime/run-model';
export * from './runtime/run-store';
export * from './runtime/source-runtime';
