export interface GroupModuleOptions {
  /** Prepended to every topic name; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
  /** Consumer group of the import consumer; default `stafett.group-service`. */
  readonly consumerGroup?: string;
  /** Records per transaction on the import path. */
  readonly importBatchSize?: number;
}
