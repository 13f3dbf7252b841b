// The fault suite (tests/faults/**/*.fault-spec.ts): real service processes, a private broker and a
// private Postgres cluster killed and restarted mid-import; each scenario checks DESIGN §4 with an
// independent consumer. Same global setup as the integration tier (run's broker, database, registry).
const integration = require('./jest.integration.config.cjs');

module.exports = {
  ...integration,
  displayName: 'faults',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.fault-spec.ts'],
  testTimeout: 300_000,
  reporters: ['default', ['<rootDir>/tools/jest/summary-reporter.cjs', { tier: 'faults' }]],
};
