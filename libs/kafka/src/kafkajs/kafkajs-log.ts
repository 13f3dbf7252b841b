import { logLevel, type LogEntry } from 'kafkajs';

export interface KafkaLogSink {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Routes kafkajs's own log lines to our logger (structured, never to stdout directly). */
export function kafkajsLogCreator(sink: KafkaLogSink) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      const obj = { kafka: namespace, ...extra };
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
