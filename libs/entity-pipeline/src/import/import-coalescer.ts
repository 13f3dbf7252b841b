import { isTransient } from '@stafett/kafka';

export interface CoalescerOptions {
  /** Transactions in flight at once; default 2 (one computes while the other waits on Postgres). */
  readonly concurrency?: number;
  /** Records one transaction takes at most (it always takes at least one batch); default 4,000. */
  readonly maxRecords?: number;
}

interface Waiting<B, R> {
  readonly batch: B;
  readonly size: number;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit for import batches: the batches of several partitions that wait at the same moment
 * are applied in one transaction, so a light load does not pay a transaction per partition and a
 * heavy one still keeps `concurrency` transactions busy. A batch never waits for a timer: when a
 * transaction slot is free it starts with whatever is queued (after the current turn of the event
 * loop, so the batches of one fetch go together).
 *
 * A permanent error of a shared transaction is not blamed on every batch in it: each batch is then
 * applied alone, and only the failing ones see their error (their consumer retries them record by
 * record and dead-letters the poison). Transient errors go to every batch (they retry with backoff).
 */
export class ImportCoalescer<B, R> {
  private readonly waiting: Waiting<B, R>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly concurrency: number;
  private readonly maxRecords: number;

  constructor(
    private readonly apply: (batches: readonly B[]) => Promise<R[]>,
    private readonly sizeOf: (batch: B) => number,
    options: CoalescerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.maxRecords = options.maxRecords ?? 4_000;
  }

  submit(batch: B): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ batch, size: this.sizeOf(batch), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const taken: Waiting<B, R>[] = [];
      let records = 0;
      while (this.waiting.length > 0 && (taken.length === 0 || records + this.waiting[0].size <= this.maxRecords)) {
        const next = this.waiting.shift()!;
        records += next.size;
        taken.push(next);
      }
      this.running++;
      void this.run(taken).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async run(taken: readonly Waiting<B, R>[]): Promise<void> {
    try {
      const results = await this.apply(taken.map((t) => t.batch));
      taken.forEach((t, i) => t.resolve(results[i]));
    } catch (error) {
      if (taken.length === 1 || isTransient(error)) {
        for (const t of taken) t.reject(error);
        return;
      }
      for (const t of taken) {
        try {
          const [result] = await this.apply([t.batch]);
          t.resolve(result);
        } catch (own) {
          t.reject(own);
        }
      }
    }
  }
}
