import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHANGES_SETTINGS, type ChangesSettings } from '../changes-options';
import { ChangeLogStore } from '../database/change-log.store';
import { ChangesMetrics } from '../metrics/changes-metrics';

const DAY_MS = 86_400_000;

/** Rows deleted per statement: short transactions, no long lock on the log. */
const DELETE_BATCH = 1_000;

/**
 * Keeps the change log as long as the events topics keep their events (`retentionDays`, default
 * 30): periodically deletes older changes in small batches (by the `occurred_at` index), then
 * VACUUMs the table — Postgres may run without autovacuum, and the dead rows would otherwise grow it.
 */
@Injectable()
export class ChangeRetention {
  private readonly log = new Logger('changes');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopping = false;

  constructor(
    private readonly store: ChangeLogStore,
    @Inject(CHANGES_SETTINGS) private readonly settings: ChangesSettings,
    private readonly metrics: ChangesMetrics,
  ) {}

  begin(): void {
    this.stopping = false;
    this.schedule(Math.min(5_000, this.settings.retentionIntervalMs));
  }

  async end(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.expire();
      void this.running
        .catch((e: unknown) => this.log.warn({ error: (e as Error).message }, 'deleting expired changes failed; retried at the next round'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.settings.retentionIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Deletes every change older than the retention, batch by batch, and VACUUMs when it deleted any; returns how many. */
  async expire(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.settings.retentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await this.store.deleteBefore(cutoff, DELETE_BATCH);
      total += deleted;
      if (deleted < DELETE_BATCH || this.stopping) break;
    }
    if (total > 0) {
      this.metrics.expired.inc(total);
      await this.store.vacuum();
      this.log.log({ deleted: total, retentionDays: this.settings.retentionDays }, 'expired changes deleted');
    }
    return total;
  }
}
