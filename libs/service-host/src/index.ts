export * from './domain-service';
