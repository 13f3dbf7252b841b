import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { contractType, entityContracts, type ConnectorAgreement, type ImportOutcome, type Reason, type TopicNames } from '@stafett/contracts';
import { contractErrors, ImportRecordProducer, MAX_RECORD_BYTES, type AvroSerde, type EntityImportRecord, type KafkaClientPort } from '@stafett/kafka';
import type { ConnectorContext, JsonValue, ProgressUpdate, RunInput, SourceConnector, SourceMessage, SourcePosition, SourceRecord } from '../connector';
import { validateConnectorConfig } from './connector-config';
import { emptyCounts, type RunCounts, type RunIssue, type RunView } from './run-model';
import { RunResultsConsumer } from './run-results.consumer';
import { RunStore } from './run-store';

export interface SourceRuntimeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SourceRuntimeOptions {
  readonly kafka: KafkaClientPort;
  readonly serde: AvroSerde;
  readonly topics: TopicNames;
  /** The app's pg pool (schema `connect`, CONNECT_RUNTIME_MIGRATIONS applied). */
  readonly pool: Pool;
  /** Records per producer call; default 500. */
  readonly batchSize?: number;
  /** Records sent and still without a result at most; reading waits above it (default 5,000). */
  readonly maxInFlight?: number;
  /** How often a run looks for its results and saves its progress; default 200 ms. */
  readonly pollIntervalMs?: number;
  /** A run that gets no result for this long fails with RESULTS_TIMEOUT (the domain service is away); default 15 minutes. */
  readonly resultsTimeoutMs?: number;
  /** How long a cancelled or failed run still waits for the results of what it sent, to save their state; default 5 s. */
  readonly drainMs?: number;
  readonly log?: SourceRuntimeLogger;
}

export interface StartRunOptions {
  readonly connector: SourceConnector;
  readonly agreement: ConnectorAgreement;
  readonly input?: RunInput;
  /** Aborting it cancels the run (pause, shutdown, a test's crash). */
  readonly signal?: AbortSignal;
  /** Called whenever the run saved its progress. */
  readonly onProgress?: (run: RunView) => void;
}

export interface StartedRun {
  readonly runId: string;
  /** Settles with the run's final view; never rejects. */
  readonly done: Promise<RunView>;
}

interface Pending {
  readonly seq: number;
  readonly position: SourcePosition;
  readonly externalId: string;
}

/** A run failed by its input: the code and message a person can act on (never personal data). */
class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const OUTCOME_COUNT: Record<ImportOutcome, keyof RunCounts> = { CREATED: 'created', UPDATED: 'updated', UNCHANGED: 'unchanged', DELETED: 'deleted', REJECTED: 'rejected' };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** The code of an error a connector threw: its own `code` when it is one (`UNREADABLE_FILE`), else READ_FAILED. */
function failureOf(e: unknown): { code: string; message: string } {
  const code = (e as { code?: unknown })?.code;
  return {
    code: typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? code : e instanceof RunFailure ? e.code : 'READ_FAILED',
    message: e instanceof Error ? e.message.slice(0, 2_000) : 'The source could not be read.',
  };
}

/** A run asked of a runtime that is stopping (the process shuts down): it is not started or recorded. */
export class RuntimeStoppedError extends Error {
  readonly code = 'RUNTIME_STOPPED';

  constructor() {
    super('The connector runtime is stopping; the run was not started.');
  }
}

/**
 * Runs source connectors (framework-free; `ConnectorRuntimeModule` is its Nest face). A run stamps
 * each SourceRecord as the entity's ImportRecord (batchId = run id, source = the agreement's system
 * and connector id), produces them to `stafett.<entity>.imports.v1` with the scope header of the
 * agreement's organisation in batches, keeps at most `maxInFlight` records without a result
 * (memory stays bounded whatever the input's size), takes their ImportResults from its inbox,
 * saves a stream's checkpoint only once every record before it has a result, and keeps a report
 * of every rejected and noted row. A read that throws fails the run: what was not yet sent is not sent.
 */
export class SourceRuntime {
  readonly store: RunStore;
  private readonly producer: ImportRecordProducer;
  private readonly results: RunResultsConsumer;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<RunView> }>();
  /** Runs being validated and recorded, not yet in `active`. */
  private readonly starting = new Set<Promise<StartedRun>>();
  private stopping = false;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly pollIntervalMs: number;
  private readonly resultsTimeoutMs: number;
  private readonly drainMs: number;

  constructor(private readonly options: SourceRuntimeOptions) {
    this.store = new RunStore(options.pool);
    this.producer = new ImportRecordProducer(options.kafka, options.serde, options.topics);
    this.results = new RunResultsConsumer(options.kafka, options.serde, options.pool, options.topics);
    this.batchSize = options.batchSize ?? 500;
    this.maxInFlight = Math.max(options.maxInFlight ?? 5_000, this.batchSize);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.resultsTimeoutMs = options.resultsTimeoutMs ?? 15 * 60_000;
    this.drainMs = options.drainMs ?? 5_000;
  }

  /** Marks runs of dead processes FAILED and starts following import results. */
  async start(): Promise<void> {
    const swept = await this.store.sweepInterrupted();
    if (swept > 0) this.options.log?.warn({ runs: swept }, 'runs interrupted by a stopped process marked FAILED');
    await this.results.start();
  }

  /**
   * Cancels the runs in progress (they save what has its results) and stops. From here on no run
   * starts (`RuntimeStoppedError`), and a run being recorded at this moment is waited for and
   * cancelled with the others: nothing of a run outlives the stop (the pool closes after it).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.starting]);
    for (const run of this.active.values()) run.controller.abort(new RunFailure('SHUTDOWN', 'The service stopped during the run; run it again to continue from the saved state.'));
    await Promise.all([...this.active.values()].map((r) => r.done));
    await this.results.stop();
    await this.producer.close();
  }

  /** Whether a run of this connector is in progress in this process. */
  isRunning(connectorId: string): boolean {
    return this.active.has(connectorId);
  }

  /** Cancels this process's run of a connector (pause); resolves once it stopped. */
  async cancel(connectorId: string, reason = 'The connector was paused.'): Promise<void> {
    const run = this.active.get(connectorId);
    if (!run) return;
    run.controller.abort(new RunFailure('PAUSED', reason));
    await run.done;
  }

  /**
   * Validates the agreement's config (throws ConnectorConfigError naming each field), records the run
   * (throws RunConflictError when one is in progress) and runs it in the background.
   */
  async startRun(options: StartRunOptions): Promise<StartedRun> {
    if (this.stopping) throw new RuntimeStoppedError();
    const starting = this.begin(options);
    this.starting.add(starting);
    try {
      return await starting;
    } finally {
      this.starting.delete(starting);
    }
  }

  private async begin(options: StartRunOptions): Promise<StartedRun> {
    const { agreement, connector } = options;
    const config = validateConnectorConfig(connector.spec(), agreement.config);
    const runId = randomUUID();
    await this.store.create(runId, agreement.connectorId, agreement.revision);
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const done = this.execute(runId, options, config, controller.signal).finally(() => {
      options.signal?.removeEventListener('abort', onAbort);
      this.active.delete(agreement.connectorId);
    });
    this.active.set(agreement.connectorId, { controller, done });
    return { runId, done };
  }

  /** `startRun` and wait for the end. */
  async run(options: StartRunOptions): Promise<RunView> {
    return (await this.startRun(options)).done;
  }

  private async execute(runId: string, options: StartRunOptions, config: unknown, signal: AbortSignal): Promise<RunView> {
    const { agreement, connector } = options;
    const connectorId = agreement.connectorId;
    const counts: RunCounts = emptyCounts();
    const pending = new Map<string, Pending>();
    const checkpoints: { seq: number; stream: string; state: JsonValue }[] = [];
    const issues: (RunIssue & { n: number })[] = [];
    const entities = new Set<string>(agreement.entities.map((e) => e.entity));
    let buffer: EntityImportRecord[] = [];
    let progress: ProgressUpdate | null = null;
    let issueNo = 0;
    let seq = 0;
    let lastSaved = 0;
    let lastResultAt = Date.now();

    const issue = (i: RunIssue) => issues.push({ ...i, n: ++issueNo });
    const save = async (force = false) => {
      if (!force && Date.now() - lastSaved < this.pollIntervalMs) return;
      lastSaved = Date.now();
      await this.store.update(runId, progress, counts, issues.splice(0));
      const run = await this.store.run(connectorId, runId);
      if (run) options.onProgress?.(run);
    };

    /** Takes the results that arrived, then saves each stream's latest checkpoint that every record before it has a result for. */
    const takeResults = async () => {
      const results = await this.store.claimResults(runId);
      for (const r of results) {
        const p = pending.get(r.recordId);
        if (!p) continue; // a duplicate delivery
        pending.delete(r.recordId);
        lastResultAt = Date.now();
        counts[OUTCOME_COUNT[r.outcome]]++;
        const kind = r.outcome === 'REJECTED' ? 'REJECTED' : 'NOTED';
        const reasons: readonly Reason[] =
          r.reasons.length === 0 && kind === 'REJECTED' ? [{ code: 'REJECTED', field: null, message: 'The platform rejected the record.' }] : r.reasons;
        for (const reason of reasons)
          issue({
            kind,
            row: p.position.row ?? null,
            position: p.position.label,
            field: reason.field ?? null,
            code: reason.code,
            message: reason.message,
            externalId: p.externalId,
          });
      }
      const oldestPending = pending.values().next().value?.seq ?? Infinity;
      const safe = new Map<string, JsonValue>();
      while (checkpoints.length > 0 && checkpoints[0].seq < oldestPending) {
        const c = checkpoints.shift()!;
        safe.set(c.stream, c.state);
      }
      // The report first: a saved state never runs ahead of the report of the rows before it.
      if (safe.size > 0) await save(true);
      for (const [stream, state] of safe) await this.store.saveState(connectorId, stream, state, runId);
    };

    /** Waits for results while `more()`; fails the run when none comes for `resultsTimeoutMs`. */
    const awaitResults = async (more: () => boolean, deadline = Infinity, abortable = true) => {
      while (more() && Date.now() < deadline) {
        await sleep(this.pollIntervalMs, abortable ? signal : undefined);
        if (abortable && signal.aborted) return;
        await takeResults();
        await save();
        if (Date.now() - lastResultAt > this.resultsTimeoutMs) {
          throw new RunFailure('RESULTS_TIMEOUT', `No import result came for ${Math.round(this.resultsTimeoutMs / 1000)} s: is the domain service running?`);
        }
      }
    };

    const flush = async () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      const messages = await this.producer.encode(batch, agreement.organisationId);
      const sendable = messages.filter((m, i) => {
        if (m.value.length <= MAX_RECORD_BYTES) return true;
        const record = batch[i];
        const p = pending.get(record.value.recordId)!;
        pending.delete(record.value.recordId);
        counts.rejected++;
        issue({
          kind: 'REJECTED',
          row: p.position.row ?? null,
          position: p.position.label,
          field: null,
          code: 'TOO_LONG',
          message: `The record is ${m.value.length} bytes encoded; at most ${MAX_RECORD_BYTES} are accepted.`,
          externalId: p.externalId,
        });
        return false;
      });
      lastResultAt = Date.now();
      await this.producer.send(sendable);
      counts.sent += sendable.length;
      await save();
      await awaitResults(() => pending.size >= this.maxInFlight);
    };

    const stamp = (m: SourceRecord): EntityImportRecord | undefined => {
      const position = { row: m.position.row ?? null, position: m.position.label, externalId: m.externalId };
      if (!entities.has(m.entity)) {
        counts.rejected++;
        issue({ kind: 'REJECTED', ...position, field: null, code: 'ENTITY_NOT_IN_AGREEMENT', message: `The agreement does not cover ${m.entity} records.` });
        return undefined;
      }
      const payload = m.op === 'DELETE' || m.payload === null ? null : { ...m.payload, ...(m.clearFields?.length ? { clearFields: [...m.clearFields] } : {}) };
      const value = {
        recordId: randomUUID(),
        batchId: runId,
        source: { system: agreement.sourceSystem, connectorId },
        externalId: m.externalId,
        op: m.op,
        receivedAt: new Date(),
        payload,
      };
      const errors = contractErrors(contractType(entityContracts(m.entity).importRecord), value, 'record');
      if (errors.length > 0) {
        counts.rejected++;
        for (const e of errors) issue({ kind: 'REJECTED', ...position, field: e.field?.replace(/^record\.(payload\.)?/, '') ?? null, code: e.code, message: e.message });
        return undefined;
      }
      return { entityType: m.entity, value };
    };

    const context: ConnectorContext = {
      agreement,
      config,
      signal,
      progress: (update) => {
        progress = { ...update };
      },
    };

    let outcome: { status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; error?: { code: string; message: string } } = { status: 'SUCCEEDED' };
    try {
      const states = await this.store.states(connectorId);
      const iterator = connector.read(context, states, options.input ?? {})[Symbol.asyncIterator]();
      for (;;) {
        if (signal.aborted) break;
        let next: IteratorResult<SourceMessage>;
        try {
          next = await iterator.next();
        } catch (e) {
          const failure = failureOf(e);
          throw Object.assign(new RunFailure(failure.code, failure.message), { fromRead: true });
        }
        if (next.done || signal.aborted) break;
        const m = next.value;
        switch (m.kind) {
          case 'record': {
            counts.read++;
            for (const note of m.notes ?? []) {
              issue({
                kind: 'NOTED',
                row: m.position.row ?? null,
                position: m.position.label,
                field: note.field ?? null,
                code: note.code,
                message: note.message,
                externalId: m.externalId,
              });
            }
            const record = stamp(m);
            if (!record) break;
            pending.set(record.value.recordId, { seq: ++seq, position: m.position, externalId: m.externalId });
            buffer.push(record);
            if (buffer.length >= this.batchSize) await flush();
            break;
          }
          case 'rejected':
            counts.read++;
            counts.rejected++;
            for (const reason of m.reasons) {
              issue({
                kind: 'REJECTED',
                row: m.position.row ?? null,
                position: m.position.label,
                field: reason.field ?? null,
                code: reason.code,
                message: reason.message,
                externalId: null,
              });
            }
            break;
          case 'state':
            checkpoints.push({ seq, stream: m.stream, state: m.state });
            break;
        }
        await save();
      }
      if (signal.aborted) {
        await iterator.return?.().catch(() => undefined);
        throw signal.reason instanceof RunFailure ? signal.reason : new RunFailure('CANCELLED', 'The run was cancelled.');
      }
      await flush();
      await awaitResults(() => pending.size > 0);
      if (signal.aborted) throw signal.reason instanceof RunFailure ? signal.reason : new RunFailure('CANCELLED', 'The run was cancelled.');
      await takeResults();
    } catch (e) {
      const failure = failureOf(e);
      const cancelled = signal.aborted && !(e as { fromRead?: boolean }).fromRead;
      outcome = { status: cancelled ? 'CANCELLED' : 'FAILED', error: failure };
      if (!cancelled) this.options.log?.warn({ runId, connectorId, code: failure.code }, 'connector run failed');
      // Not sent stays unsent; what was sent still gets a short wait for its results, so its state can be saved.
      for (const b of buffer) pending.delete(b.value.recordId);
      buffer = [];
      await awaitResults(() => pending.size > 0, Date.now() + this.drainMs, false).catch(() => undefined);
      await takeResults().catch(() => undefined);
    }
    await save(true).catch(() => undefined);
    await this.store.finish(runId, outcome.status, outcome.error);
    return (await this.store.run(connectorId, runId))!;
  }
}
