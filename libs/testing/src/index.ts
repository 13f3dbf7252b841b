export * from './process-harness';
export * from './test-environment';
export * from './wait-for';
export * from './free-port';
