import { RpcException } from '@nestjs/microservices';

/**
 * An error a sink handler throws to say what should happen to the message. It is an
 * `RpcException` whose error is itself, so it passes Nest's exception filter intact and reaches
 * the transport (any other error arrives there only as Nest's opaque "Internal server error").
 * Its message goes, redacted, into the DLQ headers and logs: never put personal data in it.
 */
export abstract class SinkError extends RpcException {
  abstract readonly retriable: boolean;

  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message);
    this.name = new.target.name;
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }

  override getError(): object {
    return this;
  }
}

/** The external system is away or busy: the message is retried with backoff, its offset not committed until it succeeds. */
export class RetryableSinkError extends SinkError {
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'SINK_RETRYABLE', message, options);
  }
}

/** Retrying cannot help (the external system refuses this record): the message goes to the DLQ and the partition moves on. */
export class PermanentSinkError extends SinkError {
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'SINK_REJECTED', message, options);
  }
}
