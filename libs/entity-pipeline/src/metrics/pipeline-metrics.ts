import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, register, type Metric } from 'prom-client';

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
  readonly importTransaction: Histogram<'entity'>;
  readonly relayRound: Histogram<'entity'>;

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
    // Where a record's latency goes (docs/benchmarks.md, issue 8's ninth round): a few ms each at a light load.
    const buckets = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    this.importTransaction = new Histogram({
      name: 'stafett_import_transaction_seconds',
      help: 'Import transactions that committed (one or more partition batches), from taking a pooled connection to COMMIT',
      labelNames: ['entity'],
      buckets,
      registers: [],
    });
    this.relayRound = new Histogram({
      name: 'stafett_outbox_relay_round_seconds',
      help: 'Outbox relay rounds that published rows: claim, send to Kafka and its acknowledgement, commit',
      labelNames: ['entity'],
      buckets,
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
    this.metrics = [this.recordsIn, this.outcomes, this.published, this.importTransaction, this.relayRound, backlog, lag, parked];
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
