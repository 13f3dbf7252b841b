import { BatchProcessor, StopRequestedError } from './batch-processor';
import { PermanentError, TransientError } from './errors';
import type { BatchHandler, ConsumedMessage, FailedMessage } from './kafka-client.port';

const message = (offset: number): ConsumedMessage => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from(`m${offset}`),
  headers: {},
  timestamp: '0',
});

function newTestProcessor(handler: BatchHandler, overrides: { stopping?: () => boolean; maxBatchSize?: number } = {}) {
  const deadLettered: FailedMessage[] = [];
  const delays: number[] = [];
  const sut = new BatchProcessor({
    handler,
    deadLetter: async (failed) => {
      deadLettered.push(...failed);
    },
    maxBatchSize: overrides.maxBatchSize ?? 100,
    retry: { initialMs: 10, maxMs: 40 },
    isStopping: overrides.stopping ?? (() => false),
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { sut, deadLettered, delays };
}

const heartbeat = { heartbeat: async () => undefined };

describe(BatchProcessor.name, () => {
  it('should hand every message to the handler once when all succeed', async () => {
    const seen: string[] = [];
    const { sut, deadLettered } = newTestProcessor(async (ms) => {
      seen.push(...ms.map((m) => m.offset));
    }, { maxBatchSize: 2 });
    await sut.process([message(1), message(2), message(3)], heartbeat);
    expect(seen).toEqual(['1', '2', '3']);
    expect(deadLettered).toEqual([]);
  });

  it('should isolate a poison message: only it goes to the DLQ, the rest are handled', async () => {
    const handled: string[] = [];
    const { sut, deadLettered } = newTestProcessor(async (ms) => {
      if (ms.some((m) => m.offset === '2')) throw new PermanentError('BAD', 'poison');
      handled.push(...ms.map((m) => m.offset));
    });
    await sut.process([message(1), message(2), message(3)], heartbeat);
    expect(handled).toEqual(['1', '3']);
    expect(deadLettered.map((f) => [f.message.offset, (f.error as PermanentError).code])).toEqual([['2', 'BAD']]);
  });

  it('should retry a transient error with growing, capped backoff and dead-letter nothing', async () => {
    let calls = 0;
    const { sut, deadLettered, delays } = newTestProcessor(async () => {
      if (++calls <= 4) throw new TransientError('DB_DOWN', 'database restarting');
    });
    await sut.process([message(1)], heartbeat);
    expect(calls).toBe(5);
    expect(deadLettered).toEqual([]);
    // 10, 20, 40, then capped at 40 ms, each with ±20% jitter
    const ratios = delays.map((d, i) => d / [10, 20, 40, 40][i]);
    expect(ratios).toHaveLength(4);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...ratios)).toBeLessThanOrEqual(1.2);
  });

  it('should dead-letter the failures a handler returns without retrying the batch', async () => {
    let calls = 0;
    const { sut, deadLettered } = newTestProcessor(async (ms) => {
      calls++;
      return { failed: [{ message: ms[1], error: new PermanentError('UNDECODABLE', 'bad bytes') }] };
    });
    await sut.process([message(1), message(2)], heartbeat);
    expect(calls).toBe(1);
    expect(deadLettered.map((f) => f.message.offset)).toEqual(['2']);
  });

  it('should give up retrying when asked to stop, so the batch is not committed', async () => {
    let stopping = false;
    const { sut } = newTestProcessor(
      async () => {
        stopping = true;
        throw new TransientError('DB_DOWN', 'database restarting');
      },
      { stopping: () => stopping },
    );
    await expect(sut.process([message(1)], heartbeat)).rejects.toBeInstanceOf(StopRequestedError);
  });
});
