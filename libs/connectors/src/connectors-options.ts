import type { Type } from '@nestjs/common';
import type { SourceConnector } from '@stafett/connector-sdk';

export const CONNECTORS_OPTIONS = Symbol('CONNECTORS_OPTIONS');
export const CONNECTOR_TYPES = Symbol('CONNECTOR_TYPES');

export interface ConnectorsModuleOptions {
  /** The source connector classes this app hosts (Nest providers); agreements of other types are refused. */
  readonly connectors?: readonly Type<SourceConnector>[];
  /** Largest file a run takes (`POST /v1/connectors/:id/runs`), in bytes; default 200 MB. */
  readonly maxFileBytes?: number;
  /** Prepended to every topic name; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024;

/** Connector types by `spec().type`. */
export type ConnectorTypes = ReadonlyMap<string, SourceConnector>;
