import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, register, type Metric } from 'prom-client';

type Source<T> = () => Promise<T>;

const nameOf = (m: Metric): string => (m as unknown as { name: string }).name;

/**
 * The pipeline's Prometheus metrics, registered once per process (whatever the number of entities)
 * with an `entity` label. Gauges read their sources at scrape time; a source that fails (a
 * dependency is away) leaves the last value: a scrape never fails.
 */
@Injectable()
export class PipelineMetrics implements OnModuleDestroy {
  private readonly backlogs = new Map<string, Source<number>>();
  private readonly lags = new Map<string, Source<{ group: string; topic: string; lag: number }>>();
  private readonly parkedSources = new Map<string, Source<number>>();
  private readonly metrics: Metric[];
  readonly recordsIn: Counter<'entity'>;
  readonly outcomes: Counter<'entity' | 'outcome' | 'code'>;
  readonly published: Counter<'entity'>;

  constructor() {
    this.recordsIn = new Counter({
      name: 'stafett_import_records_total',
      help: 'Import records consumed',
      labelNames: ['entity'],
      registers: [],
    });
    this.outcomes = new Counter({
      name: 'stafett_import_outcomes_total',
      help: 'Import outcomes by outcome and first reason code',
      labelNames: ['entity', 'outcome', 'code'],
      registers: [],
    });
    this.published = new Counter({
      name: 'stafett_outbox_published_total',
      help: 'Outbox rows (changes) published to Kafka',
      labelNames: ['entity'],
      registers: [],
    });
    const backlogs = this.backlogs;
    const lags = this.lags;
    const backlog = new Gauge({
      name: 'stafett_outbox_backlog',
      help: 'Outbox rows written but not yet acknowledged by Kafka (the span of their seqs: a rolled-back insert counts until the relay passes it)',
      labelNames: ['entity'],
      registers: [],
      async collect() {
        for (const [entity, read] of backlogs) {
          const n = await read().catch(() => undefined);
          if (n !== undefined) this.set({ entity }, n);
        }
      },
    });
    const lag = new Gauge({
      name: 'stafett_consumer_lag',
      help: 'Import records on the topic not yet processed by the consumer group',
      labelNames: ['entity', 'group', 'topic'],
      registers: [],
      async collect() {
        for (const [entity, read] of lags) {
          const l = await read().catch(() => undefined);
          if (l) this.set({ entity, group: l.group, topic: l.topic }, l.lag);
        }
      },
    });
    const parkedSources = this.parkedSources;
    const parked = new Gauge({
      name: 'stafett_import_parked',
      help: 'Import records parked until an entity they reference appears',
      labelNames: ['entity'],
      registers: [],
      async collect() {
        for (const [entity, read] of parkedSources) {
          const n = await read().catch(() => undefined);
          if (n !== undefined) this.set({ entity }, n);
        }
      },
    });
    this.metrics = [this.recordsIn, this.outcomes, this.published, backlog, lag, parked];
    // The newest app's metrics win (tests start apps one after another; a failed start must not
    // block the next one with "already registered").
    for (const m of this.metrics) {
      if (register.getSingleMetric(nameOf(m))) register.removeSingleMetric(nameOf(m));
      register.registerMetric(m);
    }
  }

  watchBacklog(entity: string, read: Source<number>): void {
    this.backlogs.set(entity, read);
  }

  watchParked(entity: string, read: Source<number>): void {
    this.parkedSources.set(entity, read);
  }

  watchLag(entity: string, read: Source<{ group: string; topic: string; lag: number }>): void {
    this.lags.set(entity, read);
  }

  /** Removes what this instance registered (not a newer app's metrics of the same name). */
  onModuleDestroy(): void {
    for (const m of this.metrics) if (register.getSingleMetric(nameOf(m)) === m) register.removeSingleMetric(nameOf(m));
  }
}
