export * from './kafka-client.port';
export * from './kafka-readiness.check';
export { KafkajsClient, type KafkajsClientOptions } from './kafkajs/kafkajs-client.adapter';
export type { KafkaLogSink } from './kafkajs/kafkajs-log';
export * from './kafka.module';
