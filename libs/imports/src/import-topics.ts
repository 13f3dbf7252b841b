import type { FactoryProvider } from '@nestjs/common';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { TopicNames } from '@stafett/contracts';
import { IMPORTS_OPTIONS, type ImportsModuleOptions } from './imports-options';

export const IMPORTS_TOPICS = Symbol('IMPORTS_TOPICS');

/** The topic names of the imports API (with the prefix of the options, else of the config). */
export const importsTopicsProvider: FactoryProvider<TopicNames> = {
  provide: IMPORTS_TOPICS,
  inject: [STAFETT_CONFIG, IMPORTS_OPTIONS],
  useFactory: (config: StafettConfig, options: ImportsModuleOptions) => new TopicNames(options.topicPrefix ?? config.topicPrefix),
};
