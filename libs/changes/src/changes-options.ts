import type { FactoryProvider } from '@nestjs/common';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { ENTITY_TYPES, TopicNames, type EntityName } from '@stafett/contracts';

export const CHANGES_OPTIONS = Symbol('CHANGES_OPTIONS');
export const CHANGES_SETTINGS = Symbol('CHANGES_SETTINGS');

export interface ChangesModuleOptions {
  /** Prepended to every topic name and the consumer group; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
  /** Consumer group of the change log; default `<prefix>stafett.changes-api`. */
  readonly consumerGroup?: string;
  /** Entities whose events topics the log consumes (and `?entity=` accepts); default all four. */
  readonly entities?: readonly EntityName[];
  /** Days a change is kept; default the config's STAFETT_CHANGES_RETENTION_DAYS. */
  readonly retentionDays?: number;
  /** How often expired changes are deleted; default every 10 minutes. */
  readonly retentionIntervalMs?: number;
}

/** The options resolved against the config. */
export interface ChangesSettings {
  readonly topics: TopicNames;
  readonly consumerGroup: string;
  readonly entities: readonly EntityName[];
  readonly retentionDays: number;
  readonly retentionIntervalMs: number;
}

export const DEFAULT_CHANGES_PAGE = 100;
export const MAX_CHANGES_PAGE = 1_000;

export const changesSettingsProvider: FactoryProvider<ChangesSettings> = {
  provide: CHANGES_SETTINGS,
  inject: [STAFETT_CONFIG, CHANGES_OPTIONS],
  useFactory: (config: StafettConfig, options: ChangesModuleOptions): ChangesSettings => {
    const topics = new TopicNames(options.topicPrefix ?? config.topicPrefix);
    const entities = options.entities ?? ENTITY_TYPES;
    if (entities.length === 0) throw new Error('ChangesModule needs at least one entity');
    return {
      topics,
      consumerGroup: options.consumerGroup ?? `${topics.prefix}stafett.changes-api`,
      entities: [...new Set(entities)],
      retentionDays: options.retentionDays ?? config.changesRetentionDays,
      retentionIntervalMs: options.retentionIntervalMs ?? 10 * 60_000,
    };
  },
};
