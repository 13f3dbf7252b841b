/** Metadata errors of a topic that exists but that this broker does not know yet, or whose partitions have no leader yet. */
const NOT_YET_KNOWN = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * The error's type when a kafkajs error says that a topic just created is not known yet, which is
 * worth waiting out (KRaft spreads a new topic's metadata a moment later, and a broker still loading
 * a large data directory answers "does not host this topic-partition"); otherwise undefined.
 * kafkajs wraps the last error of its own retries in `cause`.
 */
export function topicNotYetKnown(e: unknown): string | undefined {
  const error = e as { type?: string; cause?: { type?: string } } | undefined;
  const type = error?.type ?? error?.cause?.type;
  return type !== undefined && NOT_YET_KNOWN.has(type) ? type : undefined;
}
