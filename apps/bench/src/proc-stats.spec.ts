import { spawnSync } from 'node:child_process';
import { ProcessSampler } from './proc-stats';

describe('ProcessSampler', () => {
  it('keeps the CPU of a process of the group that ends within the window (its parent reaps it)', () => {
    const sampler = new ProcessSampler({ me: () => [process.pid] });
    sampler.begin(10_000);
    // A child that burns ~400 ms of CPU and exits: the group (this process) is idle meanwhile.
    const child = spawnSync(process.execPath, ['-e', 'const end = Date.now() + 400; while (Date.now() < end);']);
    expect(child.status).toBe(0);
    const { me } = sampler.end();
    expect(me.cpuSeconds).toBeGreaterThanOrEqual(0.3);
  });
});
