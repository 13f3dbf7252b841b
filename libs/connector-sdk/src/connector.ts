/**
 * The connector contract (DESIGN §1, §3): what every Stafett connector implements, modelled on the
 * Airbyte protocol (spec → check → discover → read/write, per-stream state) and on Kafka Connect
 * (connectors run under a stored configuration — our integration agreement — with status, pause,
 * resume and offsets kept by the platform, not by the connector).
 *
 * A connector never writes domain tables. A source yields import records; the runtime stamps them
 * with the agreement (source.system, source.connectorId, the scope header), produces them to
 * `stafett.<entity>.imports.v1`, waits for their ImportResults and only then saves the stream
 * state that followed them. A sink receives decoded change events through `@EventPattern`
 * handlers served by the SDK's transport; a sync connector is both.
 */
import type { ConnectorAgreement, ConnectorDirection, EntityName, Reason } from '@stafett/contracts';
import type { Readable } from 'node:stream';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON Schema (draft 2020-12) object. */
export type JsonSchema = { readonly [key: string]: JsonValue };

/** What a connector type is and how it is configured (`spec`). */
export interface ConnectorSpec {
  /** The connector type, as agreements name it in `connectorType`, e.g. `member-file`. */
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly directions: readonly ConnectorDirection[];
  /** JSON Schema of the agreement's `config` (parsed from its JSON). */
  readonly configSchema: JsonSchema;
  /** Whether a run takes an uploaded file (`RunInput.file`). */
  readonly acceptsFile?: boolean;
}

/** The answer of `check`: can the connector reach its system with this configuration. */
export interface CheckResult {
  readonly ok: boolean;
  /** Says what is wrong, for a person to act on; never personal data. */
  readonly message: string;
}

/** One stream a connector can read or write (`discover`). */
export interface StreamDescriptor {
  readonly name: string;
  readonly entity: EntityName;
  /** Contract field names of the entity this stream carries. */
  readonly fields: readonly string[];
  /** Whether a later run can continue from the saved state instead of starting over. */
  readonly resumable: boolean;
}

/** Everything a connector gets for one operation. */
export interface ConnectorContext<C = unknown> {
  readonly agreement: ConnectorAgreement;
  /** The agreement's `config`, validated against `spec().configSchema`. */
  readonly config: C;
  /** Aborted when the connector is paused, the run is cancelled or the service stops. */
  readonly signal: AbortSignal;
  /** Progress of a long read, shown by the management API, the CLI and as progress events. */
  progress(update: ProgressUpdate): void;
}

export interface ProgressUpdate {
  readonly stream: string;
  /** Records (rows) read so far in this run. */
  readonly read: number;
  /** Bytes of the input consumed so far and its size, when known (a file). */
  readonly bytesRead?: number;
  readonly totalBytes?: number;
}

/** What a run was started with: an uploaded file for file connectors, nothing for scheduled ones. */
export interface RunInput {
  readonly file?: { readonly name: string; readonly size?: number; readonly stream: Readable };
  /** The date a file speaks for (Skatteverket's century rule uses it); default today. */
  readonly asOf?: string;
}

/** Where in the source a record or rejection comes from, for the batch report (e.g. row 17, column "Personnummer"). */
export interface SourcePosition {
  /** e.g. `row 17` or an API cursor; shown in reports. */
  readonly label: string;
  readonly row?: number;
}

/** A record a source read, before the runtime stamps it as an ImportRecord. */
export interface SourceRecord {
  readonly kind: 'record';
  readonly stream: string;
  readonly entity: EntityName;
  /** The record's id in the source system (the import key is `<sourceSystem>:<externalId>`). */
  readonly externalId: string;
  readonly op: 'UPSERT' | 'DELETE';
  /** The entity's import payload (contract field names; `null`/absent = keep). */
  readonly payload: Readonly<Record<string, unknown>> | null;
  readonly clearFields?: readonly string[];
  readonly position: SourcePosition;
  /** What the connector changed on the way and wants in the row report (e.g. a 10-digit personnummer made 12). */
  readonly notes?: readonly Reason[];
}

/** Input the connector refuses itself (unreadable row, duplicate key in one file): reported, never sent. */
export interface SourceRejection {
  readonly kind: 'rejected';
  readonly stream: string;
  readonly position: SourcePosition;
  readonly reasons: readonly Reason[];
}

/**
 * A checkpoint: the stream's state after every message yielded before it. The runtime saves it only
 * once every record before it has an ImportResult (accepted or rejected), so a crash resumes from here.
 */
export interface SourceCheckpoint {
  readonly kind: 'state';
  readonly stream: string;
  readonly state: JsonValue;
}

export type SourceMessage = SourceRecord | SourceRejection | SourceCheckpoint;

/** The saved state of each stream, as the last accepted checkpoint left it. */
export type StreamStates = Readonly<Record<string, JsonValue | undefined>>;

interface ConnectorBase<C> {
  spec(): ConnectorSpec;
  check(context: ConnectorContext<C>): Promise<CheckResult>;
  discover(context: ConnectorContext<C>): Promise<readonly StreamDescriptor[]>;
}

/** Reads an external system into import records. */
export interface SourceConnector<C = unknown> extends ConnectorBase<C> {
  read(context: ConnectorContext<C>, state: StreamStates, input: RunInput): AsyncIterable<SourceMessage>;
}

/** A change event as a sink receives it: the decoded `<Entity>Changed` envelope and its entity. */
export interface ChangeMessage<T = Readonly<Record<string, unknown>>> {
  readonly entity: EntityName;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: T;
}

/**
 * Writes platform changes to an external system. A sink is a Nest provider whose methods are
 * declared with `@EventPattern(<entity events or state topic name>)` and served by the SDK's
 * transport; the runtime calls these methods for spec/check/discover.
 */
export type SinkConnector<C = unknown> = ConnectorBase<C>;
