import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { dropDatabase } from '@stafett/persistence';
import { buildDist, testConfig, testDatabaseUrl, uniqueId } from '@stafett/testing';
import { createApp } from './create-app';
import { migrate } from './migrate';

/** The schemas `migrate` creates: one per service beside the registry's, the keys' and the imports'. */
const PLATFORM_SCHEMAS = ['activity', 'auth', 'changes', 'group', 'imports', 'organisation', 'person', 'registry'];

const repo = path.resolve(__dirname, '..', '..', '..');

/** A database of its own on the test server (not yet created). */
function freshDatabaseUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('migrate').replace(/-/g, '_')}`;
  return url.toString();
}

async function schemasOf(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name IN ('auth', 'changes', 'group', 'imports', 'organisation', 'person', 'activity', 'registry') ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe(migrate.name, () => {
  const databases: string[] = [];
  const apps: INestApplication[] = [];

  function database(): string {
    const url = freshDatabaseUrl();
    databases.push(url);
    return url;
  }

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    for (const url of databases) await dropDatabase(url);
  });

  it('should create the database and every deployable schema on a fresh server', async () => {
    const url = database();
    const applied = await migrate(testConfig({ DATABASE_URL: url }));
    expect(applied.length).toBeGreaterThan(0);
    expect(await schemasOf(url)).toEqual(PLATFORM_SCHEMAS);
  });

  it('should apply nothing when the schema is current (an upgrade without new migrations)', async () => {
    const url = database();
    await migrate(testConfig({ DATABASE_URL: url }));
    expect(await migrate(testConfig({ DATABASE_URL: url }))).toEqual([]);
  });

  it('should run as `main.js migrate`, say what it applied and exit 0', async () => {
    buildDist();
    const url = database();
    const run = () =>
      promisify(execFile)(process.execPath, [path.join(repo, 'dist/apps/stafett/src/main.js'), 'migrate'], {
        cwd: repo,
        env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
        timeout: 60_000,
      });
    expect((await run()).stdout).toMatch(/^stafett: applied \d+ migrations: /);
    expect((await run()).stdout).toBe('stafett: the schema is current, no migration to apply\n');
  });

  it('should let the platform start without migrating (STAFETT_MIGRATE_AT_START=false) on a migrated database', async () => {
    const url = database();
    await migrate(testConfig({ DATABASE_URL: url }));
    const app = await createApp(testConfig({ DATABASE_URL: url, STAFETT_MIGRATE_AT_START: 'false' }));
    apps.push(app);
    await app.init();
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' } } });
  });
});
