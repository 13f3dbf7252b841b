import { execFile } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@stafett/testing';

const run = promisify(execFile);
const BIN = process.env['STAFETT_TEST_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of a test's own (initdb in a temp dir, trust auth, a free port, socket in
 * /tmp), so a test may stop and restart it without touching the shared server. Runs as the
 * `postgres` OS user when the tests run as root (Postgres refuses to run as root).
 */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string;
  /** `pg_ctl stop -m fast`: every connection is terminated, then the server is gone until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (immediate mode) and deletes the cluster. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stafett-fault-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = async (bin: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args]] : [path.join(BIN, bin), args];
    try {
      await run(file, argv, { timeout: 120_000 });
    } catch (e) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`${bin} ${args.join(' ')} failed: ${(e as Error).message}\n${log.split('\n').slice(-20).join('\n')}`);
    }
  };
  const cluster: PrivatePostgres = {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await pg('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', logFile, '-o', `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`]);
    },
    stop: async () => {
      await pg('pg_ctl', ['stop', '-w', '-t', '60', '-m', 'fast', '-D', data]);
    },
    destroy: async () => {
      // Whatever state a failed test left it in: stop it if it runs (pg_ctl fails harmlessly if not).
      await pg('pg_ctl', ['stop', '-w', '-t', '60', '-m', 'immediate', '-D', data]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await cluster.start();
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
  return cluster;
}
