import { spawnSync } from 'node:child_process';
import { ProcessSampler } from './proc-stats';

describe('ProcessSampler', () => {
  it('keeps the CPU of a process of the group that ends within the window (its parent reaps it)', () => {
    const sampler = new ProcessSampler({ me: () => [process.pid] });
    sampler.begin(10_000);
    // A child that burns 400 ms of CPU (not of wall time: a busy machine may not give it a core) and exits.
    const child = spawnSync(process.execPath, ['-e', 'while (process.cpuUsage().user + process.cpuUsage().system < 400_000);']);
    expect(child.status).toBe(0);
    const { me } = sampler.end();
    expect(me.cpuSeconds).toBeGreaterThanOrEqual(0.3);
  });
});
