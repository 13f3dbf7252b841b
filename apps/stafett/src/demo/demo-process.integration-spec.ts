/**
 * `npm start -- --demo` as a newcomer runs it: the built all-in-one process with `--demo` (what
 * tools/start.sh passes on), its own database and topics, the built-in registry. It loads the demo,
 * prints where to look, and serves every resource in its OpenAPI document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { dropDatabase } from '@stafett/persistence';
import { buildDist, freePort, testDatabaseUrl, testKafkaBrokers, uniqueId, waitFor } from '@stafett/testing';

describe('main.js --demo', () => {
  const repo = path.resolve(__dirname, '..', '..', '..', '..');
  const database = new URL(testDatabaseUrl());
  database.pathname = `${database.pathname}_demo`;
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await dropDatabase(database.toString()).catch(() => undefined);
  });

  it('should load the demo through the import path, say what to look at, and document every resource', async () => {
    buildDist();
    const port = await freePort();
    const adminKey = `stf_${uniqueId('demo').replace(/[^A-Za-z0-9_]/g, '')}`;
    child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', path.join(repo, 'dist/apps/stafett/src/main.js'), '--demo'], {
      cwd: repo,
      env: {
        ...process.env,
        DATABASE_URL: database.toString(),
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        SCHEMA_REGISTRY_URL: '',
        PORT: String(port),
        STAFETT_TOPIC_PREFIX: `${uniqueId('demo')}.`,
        STAFETT_ADMIN_API_KEY: adminKey,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor('the demo guide', () => (output.includes('Look at:') ? true : child!.exitCode !== null ? Promise.reject(new Error(output)) : undefined), 240_000, 250);
    expect(output).toMatch(/organisations\s+created 14, updated 0, unchanged 0, rejected 0/);
    expect(output).toMatch(/activities\s+created \d+, updated 0, unchanged 0, rejected 0/);
    expect(output).toContain(`http://127.0.0.1:${port}/docs`);
    const docs = (await (await fetch(`http://127.0.0.1:${port}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/organisations', '/v1/persons', '/v1/groups', '/v1/activities', '/v1/imports', '/v1/changes']));
    const feds = await fetch(`http://127.0.0.1:${port}/v1/organisations?type=FEDERATION`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(((await feds.json()) as { items: { name: string }[] }).items.map((o) => o.name)).toEqual(expect.arrayContaining(['Svenska Innebandyförbundet (demo)']));
  }, 300_000);
});
