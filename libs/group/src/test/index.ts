export * from './group-factory';
export * from './group-test-app';
export * from './group-topics.harness';
