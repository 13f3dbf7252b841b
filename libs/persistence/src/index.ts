export * from './binary-copy';
export * from './client-guard';
export * from './copy-rows';
export * from './data-source-options';
export * from './ensure-database';
export * from './postgres-readiness.check';
export * from './typeorm-logger';
export * from './transaction';
