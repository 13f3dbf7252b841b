export * from './activity-test-app';
export * from './activity-topics.harness';
