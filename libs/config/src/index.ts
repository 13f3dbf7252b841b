export * from './config.module';
export * from './stafett-config';
