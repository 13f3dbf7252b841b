export * from './contract-types';
export * from './generated/contracts.generated';
export * from './logical-types';
export * from './topics';
