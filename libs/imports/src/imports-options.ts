import type { EntityName } from '@stafett/contracts';

export const IMPORTS_OPTIONS = Symbol('IMPORTS_OPTIONS');

export interface ImportsModuleOptions {
  /** Prepended to every topic name and the consumer group; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
  /** Consumer group of the results consumer; default `<prefix>stafett.imports-api`. */
  readonly consumerGroup?: string;
  /** Entity types whose service runs and takes imports; default `['person']`. */
  readonly entityTypes?: readonly EntityName[];
}

/** Records per `POST /v1/imports`. */
export const MAX_RECORDS_PER_IMPORT = 10_000;

/**
 * JSON body limit an app serving `POST /v1/imports` needs: 10,000 records of up to ~1 kB each with
 * room to spare (Express's default is 100 kB). Only a request with a valid key gets its body read.
 */
export const IMPORT_BODY_LIMIT = '16mb';
