import { installRequestQueueFix } from './request-queue-fix';

// kafkajs's own request queue, patched as the adapter patches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  inflight: Map<number, unknown>;
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
};

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('installRequestQueueFix: no timer for a connection with nothing waiting', () => {
  beforeAll(() => expect(installRequestQueueFix()).toBe(true));

  /** Stops the queue, and a timer loop of an unpatched one (it re-arms itself from its callback). */
  function close(q: InstanceType<typeof RequestQueue>) {
    if (q.throttleCheckTimeoutId) clearTimeout(q.throttleCheckTimeoutId);
    q.destroy();
  }

  function queue(maxInFlightRequests: number | null) {
    const q = new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:9092', logger });
    const sent: number[] = [];
    const push = (correlationId: number) =>
      new Promise((resolve, reject) =>
        q.push({ entry: { correlationId, apiName: 'Test', apiKey: 0, apiVersion: 0, resolve, reject }, expectResponse: true, sendRequest: () => sent.push(correlationId) }),
      );
    return { q, sent, push };
  }

  it('should arm no timer after a response when no request waits (kafkajs re-armed one every 1 ms)', async () => {
    const { q, sent, push } = queue(null);
    const answered = push(1);
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    await answered;
    const armed = q.throttleCheckTimeoutId;
    close(q);
    expect(armed).toBeNull();
  });

  it('should still send a request that waited for the throttle to end', async () => {
    const { q, sent, push } = queue(null);
    q.maybeThrottle(30);
    void push(2);
    expect(sent).toEqual([]); // throttled: waits, with its check armed
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual([2]);
    close(q);
  });

  it('should send a request that waited for a free in-flight slot when a response frees one', async () => {
    const { q, sent, push } = queue(1);
    void push(3);
    void push(4);
    expect(sent).toEqual([3]);
    q.fulfillRequest({ correlationId: 3, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([3, 4]);
    close(q);
  });
});
