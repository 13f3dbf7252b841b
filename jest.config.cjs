// Tier 1: unit specs beside the code (*.spec.ts). No broker, no database.
const { swcOptions } = require('./tools/build/swc-options.cjs');

module.exports = {
  displayName: 'unit',
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts'],
  modulePathIgnorePatterns: ['<rootDir>/tools/kafka/', '<rootDir>/dist/', '<rootDir>/.tools/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions({ rewritePaths: true }), swcrc: false }] },
  reporters: ['default', ['<rootDir>/tools/jest/summary-reporter.cjs', { tier: 'unit' }]],
  clearMocks: true,
};
