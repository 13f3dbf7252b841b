/**
 * Test-only fault injection: named points in production code where the process SIGKILLs itself
 * when `STAFETT_FAULT_POINTS` lists the point. The fault suite (`npm run test:faults`) uses them to
 * crash a service at the exact moment a guarantee depends on (DESIGN §4); unset, they do nothing.
 */
export const FAULT_POINTS = [
  /** An import consumer committed a batch to Postgres and has not committed its Kafka offsets. */
  'import.after-db-commit',
  /** The outbox relay's send was acknowledged by the broker and the rows are not deleted yet. */
  'outbox.after-ack',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/** When `point` is listed in the config: says so on stderr and SIGKILLs the process (no cleanup runs). */
export function crashAt(config: { readonly faultPoints: readonly FaultPoint[] }, point: FaultPoint): void {
  if (!config.faultPoints.includes(point)) return;
  process.stderr.write(`fault: ${point}\n`);
  process.kill(process.pid, 'SIGKILL');
}
