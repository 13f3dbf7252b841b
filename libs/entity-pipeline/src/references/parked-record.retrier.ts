import { Logger } from '@nestjs/common';
import type { EntityState } from '../domain/entity-rules.port';
import type { PipelineMetrics } from '../metrics/pipeline-metrics';
import type { EntityWriter } from '../write/entity-writer';

/**
 * Retries parked import records: every second (a record's backoff decides whether it is due) and at
 * once when the write path or the projection woke some. Each round is one transaction of at most
 * 500 records; rounds follow while full. Errors are logged and the next tick tries again.
 */
export class ParkedRecordRetrier {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private vacuumDue = false;

  constructor(
    private readonly writer: EntityWriter<EntityState, unknown, unknown, unknown>,
    private readonly metrics: PipelineMetrics,
    private readonly intervalMs = 1_000,
  ) {
    this.log = new Logger(`${writer.rules.entity}-parking`);
    metrics.watchParked(writer.rules.entity, () => this.writer.transaction((tx) => this.writer.parking.count(tx)));
  }

  begin(): void {
    this.stopped = false;
    this.writer.onWoken = () => this.nudge();
    this.timer = setInterval(() => this.nudge(), this.intervalMs);
    this.timer.unref();
  }

  async end(): Promise<void> {
    this.stopped = true;
    this.writer.onWoken = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs a round now (or right after the current one). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.nudge();
      }
    });
  }

  private async rounds(): Promise<void> {
    // Parked import records obey field ownership like the rest: not before the agreements are loaded.
    if (!this.writer.agreements.loaded) return;
    try {
      for (;;) {
        const { retried, outcomes } = await this.writer.retryParked(500);
        if (retried === 0) break;
        let left = 0;
        for (const o of outcomes) {
          if (o.outcome === 'PARKED') continue;
          left++;
          this.metrics.outcomes.inc({ entity: this.writer.rules.entity, outcome: o.outcome, code: o.reasons[0]?.code ?? '' });
        }
        if (left > 0) {
          this.vacuumDue = true;
          this.log.log({ retried, left }, 'parked import records retried');
        }
        if (retried < 500 || this.stopped) break;
      }
      if (this.vacuumDue) {
        this.vacuumDue = false;
        await this.writer.vacuumParking();
      }
    } catch (e) {
      if (!this.stopped) this.log.warn({ err: e }, 'retrying parked import records failed; the next round tries again');
    }
  }
}
