import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, register, type Metric } from 'prom-client';

const nameOf = (m: Metric): string => (m as unknown as { name: string }).name;

/**
 * The change log's Prometheus metrics, registered once when the module starts (the newest app's
 * win, as the pipeline's do). The lag gauge reads the consumer group's lag at scrape time; when
 * Kafka is away it keeps its last value, so a scrape never fails.
 */
@Injectable()
export class ChangesMetrics implements OnModuleDestroy {
  readonly appended: Counter<'entity'>;
  readonly erased: Counter<'entity'>;
  readonly expired: Counter;
  readonly unreadable: Counter<'entity'>;
  private lagSource: (() => Promise<{ topic: string; lag: number }[]>) | undefined;
  private readonly metrics: Metric[];

  constructor() {
    this.appended = new Counter({
      name: 'stafett_changes_appended_total',
      help: 'Change events appended to the change log of GET /v1/changes',
      labelNames: ['entity'],
      registers: [],
    });
    this.erased = new Counter({
      name: 'stafett_changes_erasures_total',
      help: 'Erasures (DELETE with before: null) that removed an entity from the change log',
      labelNames: ['entity'],
      registers: [],
    });
    this.expired = new Counter({ name: 'stafett_changes_expired_total', help: 'Changes deleted from the change log after the retention', registers: [] });
    this.unreadable = new Counter({
      name: 'stafett_changes_unreadable_total',
      help: 'Stored changes left out of a GET /v1/changes page because their bytes could not be decoded (e.g. a writer schema no longer in the registry)',
      labelNames: ['entity'],
      registers: [],
    });
    const source = () => this.lagSource;
    const lag = new Gauge({
      name: 'stafett_changes_lag',
      help: 'Events on the events topics not yet in the change log (the consumer group lag)',
      labelNames: ['topic'],
      registers: [],
      async collect() {
        const read = source();
        const parts = read ? await read().catch(() => undefined) : undefined;
        if (!parts) return;
        const byTopic = new Map<string, number>();
        for (const p of parts) byTopic.set(p.topic, (byTopic.get(p.topic) ?? 0) + p.lag);
        for (const [topic, n] of byTopic) this.set({ topic }, n);
      },
    });
    this.metrics = [this.appended, this.erased, this.expired, this.unreadable, lag];
    for (const m of this.metrics) {
      if (register.getSingleMetric(nameOf(m))) register.removeSingleMetric(nameOf(m));
      register.registerMetric(m);
    }
  }

  watchLag(read: () => Promise<{ topic: string; lag: number }[]>): void {
    this.lagSource = read;
  }

  /** Removes what this instance registered (not a newer app's metrics of the same name). */
  onModuleDestroy(): void {
    for (const m of this.metrics) if (register.getSingleMetric(nameOf(m)) === m) register.removeSingleMetric(nameOf(m));
  }
}
