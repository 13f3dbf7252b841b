import type { ImportOutcome, PersonImportPayload, Reason } from '@stafett/contracts';
import type { PersonState } from '../domain/person.model';

/** One write to apply: an import record, or a REST call turned into the same shape. */
export interface PersonCommand {
  readonly recordId: string;
  readonly batchId: string;
  readonly source: { readonly system: string; readonly connectorId?: string | null; readonly actor?: string | null };
  /** The source's id of the person (imports); null for REST writes addressed by id. */
  readonly externalId: string | null;
  /** REST: the person addressed by id. */
  readonly targetId?: string;
  /** REST PATCH: the version the caller last saw (If-Match). */
  readonly expectedVersion?: number;
  readonly op: 'UPSERT' | 'DELETE' | 'ERASE';
  readonly payload: PersonImportPayload | null;
  readonly correlationId?: string | null;
}

export interface PersonOutcome {
  readonly recordId: string;
  readonly outcome: ImportOutcome;
  readonly entityId: string | null;
  readonly version: number | null;
  readonly reasons: readonly Reason[];
  /** The person after the write (REST answers with it); absent when deleted or rejected. */
  readonly state?: PersonState;
  /** True when the record was applied before (redelivery): nothing was done again. */
  readonly duplicate?: boolean;
}
