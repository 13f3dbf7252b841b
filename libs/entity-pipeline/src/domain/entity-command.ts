import type { ImportOutcome, Reason } from '@stafett/contracts';

/** One write to apply: an import record, or a REST call turned into the same shape. */
export interface EntityCommand<P> {
  readonly recordId: string;
  readonly batchId: string;
  readonly source: {
    readonly system: string;
    readonly connectorId?: string | null;
    readonly actor?: string | null;
  };
  /** The source's id of the entity (imports); null for REST writes addressed by id. */
  readonly externalId: string | null;
  /** REST: the entity addressed by id. */
  readonly targetId?: string;
  /** REST PATCH/DELETE: the version the caller last saw (If-Match); 0 = create only. */
  readonly expectedVersion?: number;
  readonly op: 'UPSERT' | 'DELETE' | 'ERASE';
  readonly payload: P | null;
  readonly correlationId?: string | null;
  /** The organisation subtree of the API key it came with (imports: the `stafett.scope` header); absent = global. */
  readonly scope?: string | null;
}

export interface EntityOutcome<S> {
  readonly recordId: string;
  /** PARKED: an import record waiting for an entity it references (its ImportResult comes when it leaves the lot). */
  readonly outcome: ImportOutcome | 'PARKED';
  readonly entityId: string | null;
  readonly version: number | null;
  readonly reasons: readonly Reason[];
  /** The entity after the write (REST answers with it); absent when deleted or rejected. */
  readonly state?: S;
}
