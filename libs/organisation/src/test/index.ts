export * from './organisation-factory';
export * from './organisation-test-app';
export * from './organisation-topics.harness';
