export * from './outbox-migration';
export * from './outbox-relay';
export * from './outbox-writer';
export * from './outbox-frame';
export * from './outbox-batch';
