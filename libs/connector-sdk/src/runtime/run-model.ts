import type { ProgressUpdate } from '../connector';

export const RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a run did so far: rows read, records sent, and the platform's outcomes (rejected counts the connector's own refusals too). */
export interface RunCounts {
  read: number;
  sent: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rejected: number;
}

export const emptyCounts = (): RunCounts => ({ read: 0, sent: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 });

/** A run as the management API shows it. */
export interface RunView {
  readonly runId: string;
  readonly connectorId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly progress: ProgressUpdate | null;
  readonly counts: RunCounts;
  readonly error?: { readonly code: string; readonly message: string };
}

/** One line of a run's report: a rejected row (by the connector or the platform) or a noted one (a warning, a conversion). */
export interface RunIssue {
  readonly kind: 'REJECTED' | 'NOTED';
  readonly row: number | null;
  /** Where in the source, as the connector labels it (`row 17`). */
  readonly position: string;
  /** The field (contract field or source column) the issue is about, when it is about one. */
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
  readonly externalId: string | null;
}
