import { Client, Pool, type PoolClient } from 'pg';
import type { KafkaProducerPort, OutgoingMessage } from '@stafett/kafka';
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
  /** Called with the number of rows published per round (metrics). */
  readonly onPublished?: (count: number) => void;
  /** Test-only fault injection: called after the broker acked a round and before its rows are deleted. */
  readonly faultPoint?: () => void;
}

interface OutboxRow {
  seq: string;
  id: string;
  topic: string;
  key: string | null;
  payload: Buffer | null;
  headers: Record<string, string>;
}

const noop: RelayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes `<schema>.outbox` to Kafka: one active relay per outbox (a session advisory lock; others
 * stand by and take over when it dies), woken by NOTIFY with polling as fallback. Each round claims
 * the oldest rows with `FOR UPDATE SKIP LOCKED`, sends them in `seq` order through one idempotent
 * producer, and deletes them only after the broker acked them, in the same transaction. A relay that
 * dies between the ack and the commit leaves its rows: they are sent again (at-least-once; the
 * `id` header and the event id let consumers drop the duplicates). No id watermark is kept, so a
 * transaction that commits late is simply picked up by the next round.
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

  constructor(private readonly options: OutboxRelayOptions) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 1, application_name: `outbox-relay:${options.schema}` });
    this.pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
    this.table = `${quoteIdent(options.schema)}.outbox`;
    this.batchSize = options.batchSize ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.log = options.logger ?? noop;
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
    await this.closeListener();
    await this.pool.end();
  }

  /** Rows written but not yet acknowledged by the broker. */
  async backlog(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.table}`);
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
      client.on('error', () => undefined);
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
    const client: PoolClient = await this.pool.connect();
    let broken = false;
    // A checked-out pg client has no 'error' listener: without one, Postgres terminating the
    // connection (a restart) would crash the process instead of failing this round.
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT seq, id, topic, key, payload, headers FROM ${this.table} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length > 0) {
        await this.options.producer.send(rows.map(toMessage));
        this.options.faultPoint?.();
        await client.query(`DELETE FROM ${this.table} WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      }
      await client.query('COMMIT');
      if (rows.length > 0) this.options.onPublished?.(rows.length);
      return rows.length;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
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

function toMessage(row: OutboxRow): OutgoingMessage {
  return { topic: row.topic, key: row.key, value: row.payload, headers: { ...row.headers, id: row.id } };
}
