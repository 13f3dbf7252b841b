// Before kafkajs loads: its producer binds the grouping function when its module loads.
import './partition-grouping';
import { logLevel, type LogEntry } from 'kafkajs';

export interface KafkaLogSink {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * kafkajs warns at every idempotent producer with bounded retries that this "may invalidate EoS
 * guarantees". Stafett uses no transactions (no exactly-once), and bounds the retries on purpose: a
 * producer that gave up is replaced (fresh sequence numbers) and the caller retries with backoff.
 */
const EXPECTED_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * kafkajs's connection layer logs every error response at ERROR, also those its own retries then
 * absorb (a partition leader not elected yet right after a topic is created, a concurrent create of
 * the same topic). The layer above fails the call if retrying does not help, and that failure
 * reaches our code: these lines are debug noise.
 */
const isAbsorbedResponseError = (namespace: string, message: string): boolean => namespace === 'Connection' && message.startsWith('Response ');

/** Where kafkajs logs when the caller gives no logger (tests, tools): warnings and errors as JSON on stderr. */
export const STDERR_KAFKA_LOG: KafkaLogSink = {
  error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...obj })}\n`),
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg, ...obj })}\n`),
  info: () => undefined,
  debug: () => undefined,
};

/** Routes kafkajs's own log lines to our logger (structured, never to stdout directly). */
export function kafkajsLogCreator(sink: KafkaLogSink) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      const obj = { kafka: namespace, ...extra };
      if ((level === logLevel.WARN && EXPECTED_WARNINGS.has(message)) || (level === logLevel.ERROR && isAbsorbedResponseError(namespace, message))) level = logLevel.DEBUG;
      switch (level) {
        case logLevel.ERROR:
          sink.error(obj, message);
          break;
        case logLevel.WARN:
          sink.warn(obj, message);
          break;
        case logLevel.INFO:
          sink.info(obj, message);
          break;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          sink.debug(obj, message);
          break;
      }
    };
}
