import { spawn } from 'node:child_process';
import { platformEnded } from './platform-process';

describe('platformEnded', () => {
  it('fails the wait with how the platform ended: an exit code', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(3)']);
    await expect(platformEnded(child, 'B4')).rejects.toThrow('B4: the platform process ended (exit code 3) while the benchmark waited for its events');
  });

  it('fails the wait with how the platform ended: a signal', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 60_000)']);
    const ended = platformEnded(child, 'B5');
    child.kill('SIGKILL');
    await expect(ended).rejects.toThrow('(signal SIGKILL)');
  });
});
