import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');
let built = false;

/** Compiles apps/ and libs/ to dist/ once per test file (swc, well under a second). */
export function buildDist(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(repo, 'tools/build/build.mjs')], { cwd: repo, stdio: 'pipe' });
  built = true;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when it printed `line` (rejects if it exits first). */
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Runs a compiled entry point (a path under the repo, .ts) as a real child process that tests may SIGKILL. */
export function startProcess(entry: string, env: Record<string, string>): RunningProcess {
  buildDist();
  const script = path.join(repo, 'dist', entry.replace(/\.ts$/, '.js'));
  const child = spawn(process.execPath, ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', script], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor: (line, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          if (out.split('\n').includes(line)) return resolve();
          if (child.exitCode !== null) return reject(new Error(`${entry} exited (${child.exitCode}) before printing "${line}":\n${out}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`${entry} did not print "${line}" in ${timeoutMs} ms:\n${out}`));
          setTimeout(tick, 20);
        };
        tick();
      }),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
