import type { InjectionToken, ModuleMetadata, Type } from '@nestjs/common';
import type { SourceConnector } from '@stafett/connector-sdk';

export const CONNECTORS_OPTIONS = Symbol('CONNECTORS_OPTIONS');
export const CONNECTOR_TYPES = Symbol('CONNECTOR_TYPES');
export const ORGANISATION_SUBTREES = Symbol('ORGANISATION_SUBTREES');

/**
 * Organisation subtrees (DESIGN §2: an organisation-scoped key sees and changes only its subtree):
 * `OrganisationTree` of `@stafett/entity-pipeline` over a projection of the organisation state topic.
 */
export interface OrganisationSubtrees {
  /** The root and every organisation below it. */
  subtree(root: string): Promise<string[]>;
  /** Whether one of `organisationIds` is `root` or below it. */
  containsAny(root: string, organisationIds: readonly string[]): Promise<boolean>;
}

/** Where the host gets its organisation subtrees (the all-in-one: the organisation service's projection). */
export interface OrganisationSubtreesProvider {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => OrganisationSubtrees;
}

/** Without a projection of the organisations, a subtree is its root alone: a scoped key sees its own organisation's connectors. */
export const ROOT_ONLY: OrganisationSubtrees = {
  subtree: async (root) => [root],
  containsAny: async (root, ids) => ids.includes(root),
};

export interface ConnectorsModuleOptions {
  /** The source connector classes this app hosts (Nest providers); agreements of other types are refused. */
  readonly connectors?: readonly Type<SourceConnector>[];
  /** Modules that provide what the connector classes inject (e.g. `MemberFileConnectorModule.forRoot(…)`). */
  readonly connectorImports?: ModuleMetadata['imports'];
  /** Largest file a run takes (`POST /v1/connectors/:id/runs`), in bytes; default: the config's STAFETT_CONNECTOR_MAX_FILE_BYTES (200 MB). */
  readonly maxFileBytes?: number;
  /** The scheduler of CRON and CONTINUOUS agreements: how often it looks (default every 15 s), or false for none. */
  readonly scheduler?: { readonly tickMs?: number } | false;
  /** The organisation subtrees of scoped keys; default ROOT_ONLY (a host without a projection of the organisations). */
  readonly organisationSubtrees?: OrganisationSubtreesProvider;
  /** Prepended to every topic name; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
}

/** Connector types by `spec().type`. */
export type ConnectorTypes = ReadonlyMap<string, SourceConnector>;
