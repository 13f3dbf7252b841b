import { Client, Pool } from 'pg';
import { guardClientErrors, inTransaction } from '@stafett/persistence';
import type { KafkaProducerPort } from '@stafett/kafka';
import { decodeFrame } from './outbox-frame';
import { outboxChannel, quoteIdent } from './outbox-migration';

export interface RelayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxRelayOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly producer: KafkaProducerPort;
  /** Rows claimed and sent per round; default 10,000. */
  readonly batchSize?: number;
  /** Fallback poll when no NOTIFY arrives; default 1,000 ms. */
  readonly pollIntervalMs?: number;
  readonly logger?: RelayLogger;
  /** Called after each round that published rows, with their number and the round's duration (metrics). */
  readonly onPublished?: (count: number, seconds: number) => void;
  /** Test-only fault injection: called after the broker acked a round and before its rows are deleted. */
  readonly faultPoint?: () => void;
  /** Rows deleted between two VACUUMs of the outbox; default 20,000 (and at most a minute apart while rows are deleted). */
  readonly vacuumEvery?: number;
}

interface OutboxRow {
  seq: string;
  messages: Buffer;
}

/**
 * Claims (deletes, in the caller's transaction) the oldest rows and returns them. The seqs are taken
 * once, as an array (an InitPlan), and deleted by primary key: a plan that cannot depend on table
 * statistics, which without autovacuum say nothing (a table VACUUMed while empty keeps
 * `reltuples = 0`). The `IN (subquery)` form got a nested-loop semi join from such statistics that
 * ran the subquery again for every row of a 650,000-row backlog.
 */
export function claimSql(table: string): string {
  return `DELETE FROM ${table} WHERE seq = ANY (ARRAY(SELECT seq FROM ${table} ORDER BY seq LIMIT $1)) RETURNING seq, messages`;
}

/**
 * The backlog gauge's query: the span of the seqs waiting, from both ends of the primary key. A
 * `count(*)` read every row and every dead tuple (without autovacuum, all deleted rows up to the
 * relay's next VACUUM) at each scrape: 20 ms a scrape during B9, ~4 µs of Postgres per record
 * at the bench's 1 s scrapes. The span is exact while the waiting seqs are contiguous; a
 * rolled-back insert's gap, or a transaction that commits a lower seq late, counts until the relay
 * has published past it.
 */
export function backlogSql(table: string): string {
  return `SELECT COALESCE(max(seq) - min(seq) + 1, 0) AS n FROM ${table}`;
}

const noop: RelayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes `<schema>.outbox` to Kafka: one active relay per outbox (a session advisory lock; others
 * stand by and take over when it dies), woken by NOTIFY with polling as fallback. Each round deletes
 * the oldest rows in a transaction (`DELETE … RETURNING`, one statement), fans each row out into its
 * messages, sends them in `seq` order through one idempotent producer and commits only after the
 * broker acked them: a relay that dies between the ack and the commit leaves its rows, and they are
 * sent again (at-least-once; the `id` header and the event id let consumers drop the duplicates).
 * No id watermark is kept, so a transaction that commits late is simply picked up by the next round.
 *
 * Deleted rows are dead tuples until a VACUUM: the relay runs one itself, on a connection of its own
 * beside the publishing (a plain VACUUM blocks no writer and no delete), every `vacuumEvery` deleted
 * rows and at least once a minute while rows are deleted, so the table stays as small as its largest
 * backlog without autovacuum.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly table: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly log: RelayLogger;
  private listener: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private leader = false;
  private deletedSinceVacuum = 0;
  private lastVacuum = Date.now();
  private vacuuming: Promise<void> | undefined;
  private readonly vacuumEvery: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 2, application_name: `outbox-relay:${options.schema}`, onConnect: guardClientErrors });
    this.pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
    this.table = `${quoteIdent(options.schema)}.outbox`;
    this.batchSize = options.batchSize ?? 2_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.log = options.logger ?? noop;
    this.vacuumEvery = options.vacuumEvery ?? 20_000;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.vacuuming;
    await this.closeListener();
    await this.pool.end();
  }

  /** Rows written but not yet acknowledged by the broker (from the seqs' span: `backlogSql`). */
  async backlog(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(backlogSql(this.table));
    return Number(r.rows[0]?.n ?? 0);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.leader) {
          await this.becomeLeader();
          if (!this.leader) {
            await this.sleep(this.pollIntervalMs);
            continue;
          }
        }
        const published = await this.publishOnce();
        failures = 0;
        this.deletedSinceVacuum += published;
        if (this.deletedSinceVacuum >= this.vacuumEvery || (this.deletedSinceVacuum > 0 && Date.now() - this.lastVacuum > 60_000)) this.vacuumAside();
        if (published < this.batchSize) await this.sleep(this.pollIntervalMs);
      } catch (e) {
        failures++;
        const delay = Math.min(10_000, 200 * 2 ** Math.min(failures, 6));
        this.log.warn({ schema: this.options.schema, error: (e as Error).message, retryInMs: delay }, 'outbox relay round failed; rows stay and are retried');
        if (!(await this.listenerAlive())) await this.closeListener();
        await this.sleep(delay);
      }
    }
  }

  /** Takes the outbox's advisory lock on a dedicated session that also LISTENs. */
  private async becomeLeader(): Promise<void> {
    if (!this.listener) {
      const client = new Client({ connectionString: this.options.databaseUrl, application_name: `outbox-relay-listen:${this.options.schema}` });
      guardClientErrors(client);
      client.on('notification', () => {
        this.notified = true;
        this.wake?.();
      });
      client.on('end', () => {
        if (this.listener === client) {
          this.listener = undefined;
          this.leader = false;
        }
      });
      await client.connect();
      await client.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
      this.listener = client;
    }
    const r = await this.listener.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.table]);
    this.leader = r.rows[0]?.locked === true;
    if (this.leader) this.log.info({ schema: this.options.schema }, 'outbox relay is the active publisher');
  }

  private async publishOnce(): Promise<number> {
    this.notified = false; // anything committed from now on is seen by this round or wakes the next
    const started = performance.now();
    // A lost delete only means the rows are sent again (at-least-once): no need to wait for the WAL flush.
    const published = await inTransaction(
      this.pool,
      async (tx) => {
        const { rows } = await tx.query<OutboxRow>(claimSql(this.table), [this.batchSize]);
        if (rows.length > 0) {
          // RETURNING keeps no order: seq order is per-entity order.
          rows.sort((a, b) => a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
          await this.options.producer.send(rows.flatMap((r) => decodeFrame(r.messages)));
          this.options.faultPoint?.();
        }
        return rows.length;
      },
      'BEGIN; SET LOCAL synchronous_commit TO off',
    );
    if (published > 0) this.options.onPublished?.(published, (performance.now() - started) / 1000);
    return published;
  }

  /** Removes the dead rows of the published changes, beside the publishing loop (one VACUUM at a time). */
  private vacuumAside(): void {
    if (this.vacuuming) return;
    this.deletedSinceVacuum = 0;
    this.lastVacuum = Date.now();
    this.vacuuming = this.pool
      .query(`VACUUM (TRUNCATE false) ${this.table}`) // never waits for the exclusive lock that shrinking the file takes
      .then(
        () => undefined,
        (e: unknown) => this.log.warn({ schema: this.options.schema, error: (e as Error).message }, 'outbox VACUUM failed; retried after the next rows'),
      )
      .finally(() => (this.vacuuming = undefined));
  }

  private async listenerAlive(): Promise<boolean> {
    try {
      await this.listener?.query('SELECT 1');
      return this.listener !== undefined;
    } catch {
      return false;
    }
  }

  private async closeListener(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    this.leader = false;
    await l?.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (this.notified || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

