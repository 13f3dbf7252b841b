import { RetryingStart } from './retrying-start';

const quiet = { warn: () => undefined };

describe(RetryingStart.name, () => {
  it('should end a start that waits without end (a consumer group with no room) by undoing it', async () => {
    const s = new RetryingStart('test consumer', quiet);
    let release: (() => void) | undefined;
    let undone = 0;
    s.begin(
      () => new Promise<void>((resolve) => (release = resolve)), // resolves only once "joined", or stopped
      async () => {
        undone++;
        release?.();
      },
    );
    await s.stop();
    expect(undone).toBe(1);
  });

  it('should not wait out the backoff between two attempts when stopped', async () => {
    const s = new RetryingStart('test consumer', quiet);
    let attempts = 0;
    s.begin(
      async () => {
        attempts++;
        throw new Error('broker away');
      },
      async () => undefined,
    );
    await new Promise((r) => setTimeout(r, 20)); // the first attempt failed: a 1 s backoff runs
    const first = await Promise.race([s.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('the backoff ran out'), 900))]);
    expect(first).toBe('stopped');
    expect(attempts).toBe(1);
  });

  it('should let a start that finishes on its own finish, without undoing it', async () => {
    const s = new RetryingStart('test consumer', quiet);
    let undone = 0;
    s.begin(
      () => new Promise<void>((r) => setTimeout(r, 50)),
      async () => void undone++,
    );
    await s.stop();
    expect(undone).toBe(0);
  });

  it('should end the retries of every start on the client at once when it begins to close', async () => {
    const closing = new AbortController();
    const attempts = [0, 0];
    const starts = attempts.map((_, i) => {
      const s = new RetryingStart(`consumer ${i}`, quiet, closing.signal);
      s.begin(
        async () => {
          attempts[i]++;
          throw new Error('broker away');
        },
        async () => undefined,
      );
      return s;
    });
    await new Promise((r) => setTimeout(r, 20)); // both failed once: each waits out a 1 s backoff
    closing.abort();
    expect(starts.map((s) => s.isStopping)).toEqual([true, true]);
    // The second stop finds its start already ended: it does not wait for the first.
    const stopped = await Promise.race([
      (async () => {
        for (const s of starts) await s.stop();
        return 'stopped';
      })(),
      new Promise((r) => setTimeout(() => r('a backoff ran out'), 900)),
    ]);
    expect(stopped).toBe('stopped');
    expect(attempts).toEqual([1, 1]);
  });

  it('should not begin at all on a client that is already closing', async () => {
    const closing = new AbortController();
    closing.abort();
    const s = new RetryingStart('late consumer', quiet, closing.signal);
    let attempts = 0;
    s.begin(
      async () => void attempts++,
      async () => undefined,
    );
    await s.stop();
    expect(attempts).toBe(0);
  });
});
