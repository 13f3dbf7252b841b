export * from './domain-service';
export * from './connector-service';
