/** What of kafkajs's per-connection request queue the fix touches. */
interface RequestQueueLike {
  pending: unknown[];
  scheduleCheckPendingRequests: (this: RequestQueueLike) => void;
}

const PATCHED = Symbol.for('stafett.kafkajs.requestQueueFix');

/**
 * kafkajs re-arms a timer after every check of a connection's pending requests, whether any is
 * pending or not, with a delay of `-1 - Date.now()` when nothing throttles it: Node runs that as
 * 1 ms, so every connection wakes the process about a thousand times a second for as long as it
 * is open (tulios/kafkajs#1704), and Node 24 warns `TimeoutNegativeWarning` (#1751). Measured:
 * 8 idle consumers and a producer took 2.9 % of a core, 0.6 % with this fix. The fix arms the
 * timer only while requests wait (throttled, or over the in-flight limit), as kafkajs's own
 * proposed fixes do; a request that waits still gets its check. Returns false if kafkajs changed.
 */
export function installRequestQueueFix(): boolean {
  try {
    // The same module instance kafkajs itself uses (under jest too, whose registry differs from node's).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueLike & { [PATCHED]?: true } };
    const proto = RequestQueue.prototype;
    if (proto[PATCHED]) return true;
    const schedule = proto.scheduleCheckPendingRequests;
    if (typeof schedule !== 'function') return false;
    proto.scheduleCheckPendingRequests = function (this: RequestQueueLike) {
      if (this.pending.length === 0) return;
      schedule.call(this);
    };
    proto[PATCHED] = true;
    return true;
  } catch {
    return false;
  }
}
