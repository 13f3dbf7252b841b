import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { NODE_FLAGS } from '@stafett/config';

/** What a benchmark's platform process is given: where it runs and what it connects to. */
export interface PlatformEnv {
  readonly databaseUrl: string;
  readonly brokers: string;
  readonly port: number;
  readonly prefix: string;
  readonly adminKey: string;
}

/**
 * Starts the all-in-one (`dist/apps/stafett/src/main.js` with the flags `npm start` and the image
 * give it), or another deployable of the platform (`app`, with `env` besides), for a benchmark.
 * The child is killed when the driver exits however it exits (an unhandled error, Ctrl-C, a kill): an
 * orphaned platform would keep consuming CPU and skew every later measurement on the machine.
 */
/** `BENCH_PLATFORM_NODE_FLAGS`: more node/V8 flags for the platform process (e.g. `--trace-gc`), to compare flags run against run. */
function platformNodeFlags(): string[] {
  return (process.env['BENCH_PLATFORM_NODE_FLAGS'] ?? '').split(/\s+/).filter((f) => f !== '');
}

export function spawnPlatform(
  repo: string,
  env: PlatformEnv,
  nodeArgs: readonly string[] = [],
  { app = 'stafett', env: extra = {} }: { readonly app?: 'stafett' | 'person-service'; readonly env?: Record<string, string> } = {},
): ChildProcess {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', ...NODE_FLAGS, ...platformNodeFlags(), ...nodeArgs, path.join(repo, `dist/apps/${app}/src/main.js`)], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      KAFKA_BROKERS: env.brokers,
      PORT: String(env.port),
      STAFETT_TOPIC_PREFIX: env.prefix,
      LOG_LEVEL: 'warn',
      SCHEMA_REGISTRY_URL: '',
      STAFETT_ADMIN_API_KEY: env.adminKey,
      // A secret of its own, as in production (unset, the platform warns and derives a development key).
      STAFETT_PROTECTED_IDENTITY_KEY: `bench-protected-identities-${env.adminKey}`,
      ...extra,
    },
    // Its log (warnings and errors: LOG_LEVEL=warn) goes to the driver's stderr, beside the progress
    // lines and away from the table on stdout: a platform that fails says why.
    stdio: ['ignore', 2, 'inherit'],
  });
  const reap = () => {
    if (running(child)) child.kill('SIGKILL');
  };
  // A signal ends the driver without an 'exit' event: reap, then end as the signal would have.
  const onSignal = (signal: NodeJS.Signals) => {
    reap();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', reap);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  child.once('exit', () => {
    process.off('exit', reap);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  return child;
}

/** Whether a child process has not ended yet: by an exit code or by a signal (its exit code stays null then). */
export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Stops a platform with SIGTERM (a graceful shutdown) and waits until it has ended; nothing when it already has. */
export async function stopPlatform(child: ChildProcess | undefined): Promise<void> {
  if (!child || !running(child)) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Rejects once the platform process has ended, with how it ended. A benchmark waits for the
 * platform's events in a race with it, so a platform that dies fails the run with a clear error
 * instead of leaving the driver waiting for good (a killed platform did). The rejection is
 * handled here too: after a benchmark stops the platform, nobody waits on it any more.
 */
export function platformEnded(child: ChildProcess, benchmark: string): Promise<never> {
  const ended = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${benchmark}: the platform process ended (${signal ? `signal ${signal}` : `exit code ${code}`}) while the benchmark waited for its events; its log is above`)),
    ),
  );
  ended.catch(() => undefined);
  return ended;
}
