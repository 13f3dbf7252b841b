export * from './lok-age';
export * from './lok-engine';
export * from './lok-period';
export * from './lok-rule-sets';
export * from './lok-summary';
