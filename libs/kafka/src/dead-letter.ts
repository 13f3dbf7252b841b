import { redactErrorText } from '@stafett/observability';
import { errorCode } from './errors';
import { setHeader } from './headers';
import type { FailedMessage, OutgoingMessage } from './kafka-client.port';

/** Provenance headers on every DLQ record (plus the original record's own headers). */
export const DLQ_HEADERS = {
  topic: 'stafett.dlq.original.topic',
  partition: 'stafett.dlq.original.partition',
  offset: 'stafett.dlq.original.offset',
  timestamp: 'stafett.dlq.original.timestamp',
  group: 'stafett.dlq.consumer.group',
  errorCode: 'stafett.dlq.error.code',
  errorMessage: 'stafett.dlq.error.message',
  failedAt: 'stafett.dlq.failed.at',
} as const;

/** The DLQ record for a message that failed permanently: original key and bytes, provenance in headers. */
export function deadLetter(failed: FailedMessage, groupId: string, dlqTopic: string, now = new Date()): OutgoingMessage {
  const { message, error } = failed;
  const headers: Record<string, string | Buffer> = {};
  for (const [k, v] of Object.entries(message.headers)) if (v !== undefined) setHeader(headers, k, v);
  const reason = error instanceof Error ? error.message : String(error);
  Object.assign(headers, {
    [DLQ_HEADERS.topic]: message.topic,
    [DLQ_HEADERS.partition]: String(message.partition),
    [DLQ_HEADERS.offset]: message.offset,
    [DLQ_HEADERS.timestamp]: message.timestamp,
    [DLQ_HEADERS.group]: groupId,
    [DLQ_HEADERS.errorCode]: errorCode(error),
    // Error texts quote input (`invalid input syntax for type uuid: "…"`): every quoted value is replaced.
    [DLQ_HEADERS.errorMessage]: redactErrorText(reason).slice(0, 1_000),
    [DLQ_HEADERS.failedAt]: now.toISOString(),
  });
  return { topic: dlqTopic, key: message.key, value: message.value, headers };
}
