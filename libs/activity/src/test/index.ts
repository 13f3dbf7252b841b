export * from './activity-factory';
export * from './activity-test-app';
export * from './activity-topics.harness';
