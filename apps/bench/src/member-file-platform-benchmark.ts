/**
 * B6 end to end: a generated member register (.xlsx) through the platform. The all-in-one runs as a
 * process of its own (`dist/apps/stafett/src/main.js`); the bench creates a club through
 * /v1/organisations and a member-file connector through /v1/connectors, uploads the file to
 * POST /v1/connectors/:id/runs and polls the run to its end. Rows/s is rows read over the time from
 * the upload to the run's end (every result back); the peak RSS is the platform process's, sampled
 * while the run goes (the reader streams: it should not grow with the file).
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { luhnCheckDigit } from '@stafett/domain';
import { writeGeneratedRegister } from '@stafett/member-file';
import { ProcessSampler } from './proc-stats';
import { running, spawnPlatform, stopPlatform } from './platform-process';

export interface MemberFilePlatformRun {
  readonly run: number;
  readonly rows: number;
  readonly fileMiB: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly status: string;
  readonly counts: Record<string, number>;
  readonly error?: { code: string; message: string };
  /** The platform process (node), and its RSS before the upload. */
  readonly platform: { readonly cpuSeconds: number; readonly peakRssMiB: number; readonly rssBeforeMiB: number };
}

interface RunView {
  status: string;
  counts: Record<string, number>;
  error?: { code: string; message: string };
}

export class MemberFilePlatformBenchmark {
  private service: ChildProcess | undefined;
  private readonly adminKey = `stf_bench_${randomUUID().replace(/-/g, '')}`;

  constructor(
    private readonly repo: string,
    private readonly env: { databaseUrl: string; brokers: string; port: number; prefix: string },
  ) {}

  private get baseUrl(): string {
    return `http://127.0.0.1:${this.env.port}`;
  }

  private async call<T>(method: string, route: string, body?: { json?: unknown; bytes?: Buffer; contentType?: string }): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.adminKey}` };
    let payload: string | Buffer | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.bytes) {
      headers['content-type'] = body.contentType ?? 'application/octet-stream';
      payload = body.bytes;
    }
    const res = await fetch(`${this.baseUrl}${route}`, { method, headers, body: payload });
    const text = await res.text();
    if (!res.ok) throw new Error(`B6 ${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async start(): Promise<void> {
    this.service = spawnPlatform(this.repo, { ...this.env, adminKey: this.adminKey });
    for (let i = 0; ; i++) {
      const ok = await fetch(`${this.baseUrl}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (!running(this.service)) throw new Error('B6: the platform exited during start');
      if (i >= 240) throw new Error('B6: the platform did not become ready in 2 minutes');
      await sleep(500);
    }
  }

  /** A federation, a club below it and the club's member-file connector; answers the connector id. */
  async connector(): Promise<string> {
    const nine = `802${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const fed = await this.call<{ id: string }>('POST', '/v1/organisations', {
      json: { type: 'FEDERATION', name: 'Bench-förbundet', organisationNumber: `${nine}${luhnCheckDigit(nine)}` },
    });
    const club = await this.call<{ id: string }>('POST', '/v1/organisations', { json: { type: 'CLUB', name: 'Bench-klubben', parentId: fed.id } });
    const connectorId = `member-file-${club.id}`;
    await this.call('POST', '/v1/connectors', {
      json: {
        connectorId,
        connectorType: 'member-file',
        name: 'Bench member register',
        organisationId: club.id,
        direction: 'IMPORT',
        sourceSystem: connectorId,
        entities: [{ entity: 'person', matchKeys: ['externalId', 'personalIdentityNumber'], onDelete: 'IGNORE' }],
        schedule: { kind: 'MANUAL' },
        config: { checkpointEvery: 5000 },
      },
    });
    return connectorId;
  }

  /** One upload of the file, polled to its end. */
  async run(run: number, connectorId: string, file: string): Promise<MemberFilePlatformRun> {
    const bytes = await readFile(file);
    const pid = this.service?.pid;
    const sampler = new ProcessSampler({ 'node (platform)': () => (pid ? [pid] : []) });
    const rssBefore = rssMiB(pid);
    sampler.begin(100);
    const started = process.hrtime.bigint();
    const { runId } = await this.call<{ runId: string }>('POST', `/v1/connectors/${connectorId}/runs?filename=${encodeURIComponent(path.basename(file))}`, {
      bytes,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    let view: RunView;
    for (;;) {
      view = await this.call<RunView>('GET', `/v1/connectors/${connectorId}/runs/${runId}`);
      if (view.status !== 'RUNNING') break;
      await sleep(250);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const platform = sampler.end()['node (platform)'];
    const rows = view.counts['read'] ?? 0;
    return {
      run,
      rows,
      fileMiB: Math.round((bytes.length / 2 ** 20) * 10) / 10,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(rows / seconds),
      status: view.status,
      counts: view.counts,
      ...(view.error ? { error: view.error } : {}),
      platform: { cpuSeconds: Math.round(platform.cpuSeconds * 10) / 10, peakRssMiB: platform.peakRssMiB, rssBeforeMiB: rssBefore },
    };
  }

  async stop(): Promise<void> {
    await stopPlatform(this.service);
  }
}

function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  const sampler = new ProcessSampler({ p: () => [pid] });
  sampler.begin(60_000);
  return sampler.end()['p'].peakRssMiB;
}

/**
 * B6 through the platform: the first run imports a fresh register (every row CREATED), a further
 * run (--runs > 1) the same file again (every row UNCHANGED).
 */
export async function b6Platform(
  repo: string,
  env: { databaseUrl: string; brokers: string; port: number; prefix: string },
  size: number,
  runs: number,
  log: (s: string) => void,
): Promise<MemberFilePlatformRun[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stafett-bench-b6p-'));
  const bench = new MemberFilePlatformBenchmark(repo, env);
  try {
    const file = path.join(dir, 'medlemmar.xlsx');
    log(`B6 platform: generating a ${size.toLocaleString('en-US')}-row .xlsx`);
    await writeGeneratedRegister(file, size, 'xlsx');
    log(`B6 platform: ${Math.round(((await stat(file)).size / 2 ** 20) * 10) / 10} MiB; starting the all-in-one`);
    await bench.start();
    const connectorId = await bench.connector();
    const out: MemberFilePlatformRun[] = [];
    for (let r = 1; r <= runs; r++) {
      const run = await bench.run(r, connectorId, file);
      out.push(run);
      log(
        `B6 platform run ${r}: ${run.status}${run.error ? ` ${run.error.code}` : ''}, ${run.rowsPerSecond} rows/s end to end, ` +
          `counts ${JSON.stringify(run.counts)}, platform peak RSS ${run.platform.peakRssMiB} MiB (${run.platform.rssBeforeMiB} MiB before)`,
      );
    }
    return out;
  } finally {
    await bench.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
