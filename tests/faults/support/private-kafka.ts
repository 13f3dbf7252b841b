import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@stafett/testing';

const run = promisify(execFile);
const kafkaSh = path.resolve(__dirname, '..', '..', '..', 'tools', 'kafka', 'kafka.sh');

/** A broker of a test's own (tools/kafka/kafka.sh on free ports, data in a temp dir), which the test may SIGKILL. */
export interface PrivateKafka {
  readonly brokers: string[];
  /** Starts the broker (again, on the same data directory after a kill). */
  start(): Promise<void>;
  /** SIGKILLs the broker's JVM and waits until it is gone: no clean shutdown, no flushed logs. */
  kill(): Promise<void>;
  /** Stops the broker if it runs and deletes its data. */
  destroy(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `properties`: broker settings beyond tools/kafka's template (`name=value` lines' content). */
export async function startPrivateKafka(properties: Readonly<Record<string, string>> = {}): Promise<PrivateKafka> {
  const home = await mkdtemp(path.join(tmpdir(), 'stafett-fault-kafka-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const env = {
    ...process.env,
    KAFKA_HOME_DIR: home,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_START_TIMEOUT: '120',
    KAFKA_EXTRA_PROPERTIES: Object.entries(properties)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
  const pidFile = path.join(home, 'run', `kafka-${port}.pid`);
  const sh = async (command: 'start') => {
    try {
      await run(kafkaSh, [command], { env, timeout: 180_000 });
    } catch (e) {
      const log = await readFile(path.join(home, 'run', `kafka-${port}.log`), 'utf8').catch(() => '');
      throw new Error(`kafka.sh ${command} on port ${port} failed: ${(e as Error).message}\n${log.split('\n').slice(-30).join('\n')}`);
    }
  };
  const pid = async (): Promise<number | undefined> => {
    const text = await readFile(pidFile, 'utf8').catch(() => undefined);
    const n = Number(text?.trim());
    if (!Number.isInteger(n) || n <= 0 || !alive(n)) return undefined;
    // Only our broker: its command line names the properties file in our home (a pid may be reused).
    const cmdline = await readFile(`/proc/${n}/cmdline`, 'utf8').catch(() => '');
    return cmdline.includes(home) ? n : undefined;
  };
  const kill = async () => {
    const p = await pid();
    if (p === undefined) return;
    process.kill(p, 'SIGKILL');
    for (let waited = 0; alive(p); waited += 50) {
      if (waited > 30_000) throw new Error(`broker pid ${p} survived SIGKILL for 30 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kafka: PrivateKafka = {
    brokers: [`127.0.0.1:${port}`],
    start: () => sh('start'),
    kill,
    destroy: async () => {
      await kill(); // data is thrown away: no need for a clean shutdown
      await rm(home, { recursive: true, force: true });
    },
  };
  try {
    await kafka.start();
  } catch (e) {
    await kafka.destroy();
    throw e;
  }
  return kafka;
}
