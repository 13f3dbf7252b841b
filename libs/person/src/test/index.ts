export * from './person-factory';
export * from './person-test-app';
export * from './person-topics.harness';
