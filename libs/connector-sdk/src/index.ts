export * from './connector';
export * from './transport/sink-errors';
export * from './transport/sink-topics';
export * from './transport/stafett-kafka.context';
export * from './transport/stafett-kafka.transport';
