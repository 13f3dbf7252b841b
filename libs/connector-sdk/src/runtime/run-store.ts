import type { Pool } from 'pg';
import type { ImportOutcome, Reason } from '@stafett/contracts';
import type { JsonValue, ProgressUpdate, StreamStates } from '../connector';
import { emptyCounts, type RunCounts, type RunIssue, type RunStatus, type RunView } from './run-model';

/** A run still RUNNING whose runtime has not beaten for this long died with its process. */
export const STALE_RUN_MS = 60_000;

interface RunRow {
  id: string;
  connector_id: string;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  progress: ProgressUpdate | null;
  counts: RunCounts;
  error_code: string | null;
  error_message: string | null;
}

export interface ClaimedResult {
  readonly recordId: string;
  readonly outcome: ImportOutcome;
  readonly reasons: readonly Reason[];
}

/** A second run of a connector while one is RUNNING. */
export class RunConflictError extends Error {
  readonly code = 'RUN_IN_PROGRESS';
}

function view(r: RunRow): RunView {
  // A run whose process died keeps RUNNING in its row until the next start sweeps it: show what it is.
  const dead = r.status === 'RUNNING' && Date.now() - r.heartbeat_at.getTime() > STALE_RUN_MS;
  return {
    runId: r.id,
    connectorId: r.connector_id,
    status: dead ? 'FAILED' : r.status,
    startedAt: r.started_at.toISOString(),
    ...(r.finished_at ? { finishedAt: r.finished_at.toISOString() } : {}),
    progress: r.progress,
    counts: { ...emptyCounts(), ...r.counts },
    ...(dead ? { error: { code: 'INTERRUPTED', message: 'The run stopped with its process; run it again to continue from the saved state.' } } : {}),
    ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
  };
}

/** The runtime's rows in the schema `connect` (plain SQL on the app's pool). */
export class RunStore {
  constructor(private readonly pool: Pool) {}

  async create(runId: string, connectorId: string, revision: number): Promise<void> {
    try {
      await this.pool.query(`INSERT INTO connect.run (id, connector_id, agreement_revision, status, counts) VALUES ($1, $2, $3, 'RUNNING', $4)`, [
        runId,
        connectorId,
        revision,
        JSON.stringify(emptyCounts()),
      ]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new RunConflictError(`Connector ${connectorId} has a run in progress; wait for it or pause the connector.`);
      throw e;
    }
  }

  /** Saves where a run is, with the issues found since the last call, and beats its heart. */
  async update(runId: string, progress: ProgressUpdate | null, counts: RunCounts, issues: readonly (RunIssue & { n: number })[]): Promise<void> {
    if (issues.length > 0) {
      const col = <T>(f: (i: RunIssue & { n: number }) => T) => issues.map(f);
      await this.pool.query(
        `INSERT INTO connect.run_issue (run_id, n, kind, "row", position, field, code, message, external_id)
         SELECT $1, i.* FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS i
         ON CONFLICT DO NOTHING`,
        [
          runId,
          col((i) => i.n),
          col((i) => i.kind),
          col((i) => i.row),
          col((i) => i.position),
          col((i) => i.field),
          col((i) => i.code),
          col((i) => i.message),
          col((i) => i.externalId),
        ],
      );
    }
    await this.pool.query(`UPDATE connect.run SET progress = $2, counts = $3, heartbeat_at = now() WHERE id = $1`, [runId, JSON.stringify(progress), JSON.stringify(counts)]);
  }

  async finish(runId: string, status: Exclude<RunStatus, 'RUNNING'>, error?: { code: string; message: string }): Promise<void> {
    await this.pool.query(`UPDATE connect.run SET status = $2, finished_at = now(), error_code = $3, error_message = $4 WHERE id = $1`, [
      runId,
      status,
      error?.code ?? null,
      error?.message ?? null,
    ]);
    await this.pool.query(`DELETE FROM connect.run_result WHERE run_id = $1`, [runId]);
  }

  /** Takes (deletes) the results that arrived for a run. */
  async claimResults(runId: string): Promise<ClaimedResult[]> {
    const { rows } = await this.pool.query<{ record_id: string; outcome: ImportOutcome; reasons: Reason[] }>(
      `DELETE FROM connect.run_result WHERE run_id = $1 RETURNING record_id, outcome, reasons`,
      [runId],
    );
    return rows.map((r) => ({ recordId: r.record_id, outcome: r.outcome, reasons: r.reasons }));
  }

  async saveState(connectorId: string, stream: string, state: JsonValue, runId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO connect.stream_state (connector_id, stream, state, run_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (connector_id, stream) DO UPDATE SET state = EXCLUDED.state, run_id = EXCLUDED.run_id, updated_at = now()`,
      [connectorId, stream, JSON.stringify(state), runId],
    );
  }

  async states(connectorId: string): Promise<StreamStates> {
    const { rows } = await this.pool.query<{ stream: string; state: JsonValue }>(`SELECT stream, state FROM connect.stream_state WHERE connector_id = $1`, [connectorId]);
    return Object.fromEntries(rows.map((r) => [r.stream, r.state]));
  }

  /** Forgets the saved state of every stream of a connector: its next run starts over. */
  async resetStates(connectorId: string): Promise<void> {
    await this.pool.query(`DELETE FROM connect.stream_state WHERE connector_id = $1`, [connectorId]);
  }

  async run(connectorId: string, runId: string): Promise<RunView | undefined> {
    const { rows } = await this.pool.query<RunRow>(`SELECT * FROM connect.run WHERE id = $1 AND connector_id = $2`, [runId, connectorId]);
    return rows[0] ? view(rows[0]) : undefined;
  }

  async lastRuns(connectorIds: readonly string[]): Promise<Map<string, RunView>> {
    if (connectorIds.length === 0) return new Map();
    const { rows } = await this.pool.query<RunRow>(
      `SELECT r.* FROM unnest($1::text[]) AS c(id)
       CROSS JOIN LATERAL (SELECT * FROM connect.run WHERE connector_id = c.id ORDER BY started_at DESC LIMIT 1) r`,
      [connectorIds],
    );
    return new Map(rows.map((r) => [r.connector_id, view(r)]));
  }

  /** Totals of every run of a connector, and its latest errors. */
  async totals(connectorId: string): Promise<{ recordsIn: number; recordsOut: number; rejected: number; errors: { at: string; code: string; message: string }[] }> {
    const { rows } = await this.pool.query<{ read: string | null; sent: string | null; rejected: string | null }>(
      `SELECT sum((counts->>'read')::bigint) AS read, sum((counts->>'sent')::bigint) AS sent, sum((counts->>'rejected')::bigint) AS rejected FROM connect.run WHERE connector_id = $1`,
      [connectorId],
    );
    const failed = await this.pool.query<{ finished_at: Date; error_code: string; error_message: string }>(
      `SELECT finished_at, error_code, error_message FROM connect.run WHERE connector_id = $1 AND error_code IS NOT NULL ORDER BY started_at DESC LIMIT 10`,
      [connectorId],
    );
    return {
      recordsIn: Number(rows[0]?.read ?? 0),
      recordsOut: Number(rows[0]?.sent ?? 0),
      rejected: Number(rows[0]?.rejected ?? 0),
      errors: failed.rows.map((r) => ({ at: r.finished_at.toISOString(), code: r.error_code, message: r.error_message })),
    };
  }

  /** The report of a run, in the order its issues were found. */
  async issues(runId: string): Promise<RunIssue[]> {
    const { rows } = await this.pool.query<{
      kind: RunIssue['kind'];
      row: number | null;
      position: string;
      field: string | null;
      code: string;
      message: string;
      external_id: string | null;
    }>(`SELECT kind, "row", position, field, code, message, external_id FROM connect.run_issue WHERE run_id = $1 ORDER BY n`, [runId]);
    return rows.map((r) => ({ kind: r.kind, row: r.row, position: r.position, field: r.field, code: r.code, message: r.message, externalId: r.external_id }));
  }

  /** Marks runs whose process died (no heartbeat) as FAILED, so the connector can run again. */
  async sweepInterrupted(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE connect.run SET status = 'FAILED', finished_at = now(), error_code = 'INTERRUPTED',
         error_message = 'The run stopped with its process; run it again to continue from the saved state.'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [STALE_RUN_MS / 1000],
    );
    return rowCount ?? 0;
  }

  /** Forgets a connector's runs and state (the connector was deleted). */
  async forget(connectorId: string): Promise<void> {
    await this.pool.query(`DELETE FROM connect.stream_state WHERE connector_id = $1`, [connectorId]);
    await this.pool.query(`DELETE FROM connect.run WHERE connector_id = $1 AND status <> 'RUNNING'`, [connectorId]);
  }
}
