import { bounded } from './bounded';

export interface StartLogger {
  warn(obj: object, msg: string): void;
}

/** How long `stop()` lets a start in flight finish before it undoes it. */
const UNDO_AFTER_MS = 2_000;

/**
 * Starts a service's Kafka side in the background and keeps retrying (capped exponential backoff)
 * while Kafka or the registry is away, so the process stays up and reports not-ready on
 * /health/ready instead of crash-looping. `stop()` ends the retries and waits for a start in flight.
 *
 * `closing` (the Kafka client's, `KafkaClientPort.closing`) ends the retries of every start at
 * once when the app begins to shut down. Nest runs the modules' shutdown hooks one module after
 * the other: without it each `stop()` waited out its own attempt in flight (kafkajs retries a
 * broker that is away for seconds), and the waits added up over the app's ~18 starts.
 */
export class RetryingStart {
  private stopping = false;
  private running: Promise<void> | undefined;
  private undo: (() => Promise<void>) | undefined;
  /** Ends the backoff between two attempts early (on stop). */
  private wake: (() => void) | undefined;

  private readonly onClosing = (): void => this.cancel();

  constructor(
    private readonly what: string,
    private readonly log: StartLogger,
    private readonly closing?: AbortSignal,
  ) {
    if (closing?.aborted) this.stopping = true;
    else closing?.addEventListener('abort', this.onClosing, { once: true });
  }

  begin(start: () => Promise<void>, undo: () => Promise<void>): void {
    this.undo = undo;
    this.running = (async () => {
      for (let attempt = 0; !this.stopping; attempt++) {
        try {
          await start();
          return;
        } catch (e) {
          await undo();
          const delay = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
          this.log.warn({ error: (e as Error).message, retryInMs: delay }, `${this.what} cannot start yet (Kafka or the registry unreachable); retrying`);
          await new Promise<void>((r) => {
            const timer = setTimeout(r, delay);
            this.wake = () => {
              clearTimeout(timer);
              r();
            };
          });
          this.wake = undefined;
        }
      }
    })();
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /**
   * Ends the retries and waits for a start in flight. A start that waits without end (a consumer
   * whose group has no room for it: its start resolves once it joins) is undone until it returns.
   */
  async stop(): Promise<void> {
    this.cancel();
    const running = this.running;
    if (!running) return;
    while (!(await bounded(running, UNDO_AFTER_MS))) await this.undo?.().catch(() => undefined);
  }

  /** Ends the retries without waiting: no new attempt begins, one in flight runs to its end. */
  cancel(): void {
    this.stopping = true;
    this.wake?.();
    this.closing?.removeEventListener('abort', this.onClosing);
  }
}
