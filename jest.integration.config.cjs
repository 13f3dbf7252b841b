// Tiers 2-3: tests on the real Postgres and the real Kafka broker (*.integration-spec.ts).
// Global setup starts what is missing (tools/kafka, a fresh database) and tears down what it started.
const unit = require('./jest.config.cjs');

module.exports = {
  ...unit,
  displayName: 'integration',
  testMatch: ['**/*.integration-spec.ts'],
  globalSetup: '<rootDir>/libs/test-infra/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/test-infra/src/global-teardown.ts',
  testTimeout: 120_000,
  reporters: ['default', ['<rootDir>/tools/jest/summary-reporter.cjs', { tier: 'integration' }]],
};
