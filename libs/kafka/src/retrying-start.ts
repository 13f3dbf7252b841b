export interface StartLogger {
  warn(obj: object, msg: string): void;
}

/**
 * Starts a service's Kafka side in the background and keeps retrying (capped exponential backoff)
 * while Kafka or the registry is away, so the process stays up and reports not-ready on
 * /health/ready instead of crash-looping. `stop()` ends the retries and waits for a start in flight.
 */
export class RetryingStart {
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly what: string,
    private readonly log: StartLogger,
  ) {}

  begin(start: () => Promise<void>, undo: () => Promise<void>): void {
    this.running = (async () => {
      for (let attempt = 0; !this.stopping; attempt++) {
        try {
          await start();
          return;
        } catch (e) {
          await undo();
          const delay = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
          this.log.warn({ error: (e as Error).message, retryInMs: delay }, `${this.what} cannot start yet (Kafka or the registry unreachable); retrying`);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    })();
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}
