export * from './config.module';
export * from './fault-points';
export * from './stafett-config';
export * from './node-flags';
