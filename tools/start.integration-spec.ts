/**
 * `npm start` end to end (tools/start.sh): with no broker configured it starts its own Kafka,
 * brings the platform up until /health/ready answers 200, and on SIGTERM leaves no process behind.
 * Runs a second broker on other ports so it never touches the one the other tests use.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseUrl } from '@stafett/testing';

const repo = path.resolve(__dirname, '..');

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function processes(...pgrepArgs: string[]): string[] {
  try {
    return execFileSync('pgrep', ['-a', ...pgrepArgs], { encoding: 'utf8' }).trim().split('\n').filter((l) => l.length > 0);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('npm start (tools/start.sh)', () => {
  const kafkaHome = mkdtempSync(path.join(tmpdir(), 'stafett-start-'));
  const port = 18080 + Math.floor(Math.random() * 500);
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    execFileSync(path.join(repo, 'tools/kafka/kafka.sh'), ['stop'], { env: { ...process.env, KAFKA_PORT: '19092', KAFKA_HOME_DIR: kafkaHome } });
    rmSync(kafkaHome, { recursive: true, force: true });
  });

  it('should start its own broker and the platform, and leave no process behind on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_PORT: '19092',
      KAFKA_CONTROLLER_PORT: '19093',
      KAFKA_HOME_DIR: kafkaHome,
      LOG_LEVEL: 'warn',
    };
    delete env['KAFKA_BROKERS'];
    child = spawn('bash', [path.join(repo, 'tools/start.sh')], { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    let ready: { status: number; body: unknown } | undefined;
    for (let i = 0; i < 240 && child.exitCode === null; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (res.status === 200) {
          ready = { status: res.status, body: await res.json() };
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect({ ready, exitCode: child.exitCode }).toMatchObject({
      ready: { status: 200, body: { status: 'ok', details: { postgres: { status: 'up' }, kafka: { status: 'up' } } } },
      exitCode: null,
    });
    expect(output).toContain('kafka: ready on 127.0.0.1:19092');

    child.kill('SIGTERM'); // the script alone, as a supervisor would
    const code = await exitOf(child);
    expect(code).not.toBeNull();
    expect(await portAnswers(port)).toBe(false);
    expect(await portAnswers(19092)).toBe(false);
    expect(processes('-f', kafkaHome)).toEqual([]); // the broker (in its own session)
    expect(processes('-g', String(child.pid))).toEqual([]); // the script's process group: node and friends
  }, 240_000);
});
