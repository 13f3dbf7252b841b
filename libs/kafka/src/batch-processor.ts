import { isTransient } from './errors';
import type { BatchContext, BatchHandler, ConsumedMessage, FailedMessage } from './kafka-client.port';

export interface BatchProcessorOptions {
  readonly handler: BatchHandler;
  /** Sends permanently failed messages to the DLQ; must resolve only once they are acknowledged. */
  readonly deadLetter: (failed: readonly FailedMessage[]) => Promise<void>;
  readonly maxBatchSize: number;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  readonly isStopping: () => boolean;
  readonly onTransientError?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Thrown when the consumer is asked to stop while a batch waits to be retried: do not commit it. */
export class StopRequestedError extends Error {
  constructor() {
    super('stop requested while retrying');
    this.name = 'StopRequestedError';
  }
}

/**
 * The retry and dead-letter policy, free of any Kafka client: transient errors retry the same
 * messages with exponential backoff (forever, heartbeating, until stopped); a permanent error
 * in a multi-message slice retries the slice one message at a time, so only the poison message
 * goes to the DLQ and the partition moves on.
 */
export class BatchProcessor {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: BatchProcessorOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async process(messages: readonly ConsumedMessage[], consumer: Pick<BatchContext, 'heartbeat'>): Promise<void> {
    const context: BatchContext = { heartbeat: () => consumer.heartbeat(), deadLetter: (failed) => this.deadLetter(failed, context) };
    for (let i = 0; i < messages.length; i += this.options.maxBatchSize) {
      await this.slice(messages.slice(i, i + this.options.maxBatchSize), context);
    }
  }

  private async slice(messages: readonly ConsumedMessage[], context: BatchContext): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let failed: readonly FailedMessage[];
      try {
        failed = (await this.options.handler(messages, context))?.failed ?? [];
      } catch (error) {
        if (error instanceof StopRequestedError) throw error; // from context.deadLetter while stopping
        if (isTransient(error)) {
          await this.backoff(error, attempt, context);
          continue;
        }
        if (messages.length > 1) {
          for (const m of messages) await this.slice([m], context);
          return;
        }
        failed = messages.map((message) => ({ message, error }));
      }
      if (failed.length > 0) await this.deadLetter(failed, context);
      return;
    }
  }

  private async deadLetter(failed: readonly FailedMessage[], context: BatchContext): Promise<void> {
    if (failed.length === 0) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.deadLetter(failed);
        return;
      } catch (error) {
        await this.backoff(error, attempt, context);
      }
    }
  }

  private async backoff(error: unknown, attempt: number, context: BatchContext): Promise<void> {
    if (this.options.isStopping()) throw new StopRequestedError();
    const { initialMs, maxMs } = this.options.retry;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20)) * (0.8 + Math.random() * 0.4);
    this.options.onTransientError?.(error, attempt, delay);
    await this.sleep(delay);
    await context.heartbeat();
    if (this.options.isStopping()) throw new StopRequestedError();
  }
}
