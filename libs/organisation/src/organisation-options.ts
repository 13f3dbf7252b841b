export interface OrganisationModuleOptions {
  /** Prepended to every topic name; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
  /** Consumer group of the import consumer; default `stafett.organisation-service`. */
  readonly consumerGroup?: string;
  /** Records per transaction on the import path; default 2,000. */
  readonly importBatchSize?: number;
}
