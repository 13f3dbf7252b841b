import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { ExitCode, memberFileConnectorId, runCli } from './stafett-cli';
import type { ConnectorStatus, RunStatus } from './connectors-client';

const ORG = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';
const KEY = 'stf_good';

/** A tiny stand-in of the platform's HTTP API: what the CLI sends, and answers a test sets. */
class FakePlatform {
  connectors: ConnectorStatus[] = [];
  created: unknown[] = [];
  uploads: { path: string; contentType?: string; body: Buffer }[] = [];
  /** The statuses GET …/runs/:runId answers, one per poll (the last repeats). */
  runStatuses: Partial<RunStatus>[] = [];
  persons: unknown[][] = [];
  requests: string[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url!, this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${KEY}`) return send(401, { title: 'Unauthorized', status: 401, detail: 'The API key is not valid.' });
    const m = url.pathname.match(/^\/v1\/connectors(?:\/([^/]+))?(?:\/runs(?:\/([^/]+))?(\/report)?)?$/);
    if (url.pathname === '/v1/persons') {
      const page = Number(url.searchParams.get('cursor') ?? '0');
      return send(200, { items: this.persons[page] ?? [], nextCursor: page + 1 < this.persons.length ? String(page + 1) : null });
    }
    if (!m) return send(404, { title: 'Not found', status: 404 });
    const [, id, runId, report] = m;
    if (!id && req.method === 'GET') return send(200, { items: this.connectors });
    if (!id && req.method === 'POST') {
      const agreement = JSON.parse(body.toString()) as ConnectorStatus & { sourceSystem: string };
      this.created.push(agreement);
      this.connectors.push({ ...agreement, state: 'RUNNING', lastRun: null });
      return send(201, { connectorId: agreement.connectorId });
    }
    const connector = this.connectors.find<ConnectorStatus & { sourceSystem?: string }>((c): c is ConnectorStatus & { sourceSystem?: string } => c.connectorId === id);
    if (!connector) return send(404, { title: 'Not found', status: 404, detail: 'No connector with this id.' });
    if (!runId && req.url!.includes('/runs') && req.method === 'POST') {
      this.uploads.push({ path: req.url!, contentType: req.headers['content-type'], body });
      return send(202, { runId: 'run-1' });
    }
    if (runId && report) {
      res.writeHead(200, { 'content-type': 'text/csv' });
      return void res.end(`row;column;code;message;externalId\r\n3;Personnummer;DUPLICATE_IN_FILE;x;102\r\n`);
    }
    if (runId) {
      const status = this.runStatuses.length > 1 ? this.runStatuses.shift()! : this.runStatuses[0];
      return send(200, { runId, startedAt: '2026-11-30T12:00:00Z', progress: { stream: 'members', read: 0 }, counts: counts(), ...status });
    }
    return send(200, { connectorId: id, agreement: { ...connector, sourceSystem: connector.sourceSystem ?? `member-file:${ORG}` } });
  }
}

const counts = (over: Partial<RunStatus['counts']> = {}): RunStatus['counts'] => ({ read: 0, sent: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0, ...over });

function io(url?: string, apiKey: string | null = KEY) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, env: { STAFETT_URL: url, STAFETT_API_KEY: apiKey ?? undefined }, pollMs: 5, out: () => out, err: () => err };
}

describe(runCli.name, () => {
  const platform = new FakePlatform();
  let dir: string;
  let file: string;
  const fileBytes = Buffer.from('Förnamn;Efternamn;Personnummer\r\nAnna;Berg;199001011234\r\n', 'utf8');

  beforeAll(async () => {
    await platform.start();
    dir = await mkdtemp(path.join(os.tmpdir(), 'stafett-cli-'));
    file = path.join(dir, 'medlemmar.csv');
    await writeFile(file, fileBytes);
  });
  afterAll(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    platform.connectors = [];
    platform.created = [];
    platform.uploads = [];
    platform.requests = [];
  });

  describe('import members', () => {
    it("should create the organisation's member-file connector, upload the file, print the summary, write the report and exit 0", async () => {
      platform.runStatuses = [
        { status: 'RUNNING', progress: { stream: 'members', read: 1, bytesRead: 10, totalBytes: fileBytes.length } },
        { status: 'SUCCEEDED', counts: counts({ read: 1, sent: 1, created: 1 }) },
      ];
      const cli = io(platform.url);
      const report = path.join(dir, 'rapport.csv');
      const code = await runCli(['import', 'members', file, '--organisation', ORG, '--as-of', '2026-11-30', '--report', report], cli);
      expect(code).toBe(ExitCode.OK);
      expect(platform.created).toEqual([
        expect.objectContaining({ connectorId: memberFileConnectorId(ORG), connectorType: 'member-file', organisationId: ORG, direction: 'IMPORT' }),
      ]);
      expect(platform.uploads).toEqual([
        { path: `/v1/connectors/${memberFileConnectorId(ORG)}/runs?filename=medlemmar.csv&asOf=2026-11-30`, contentType: 'text/csv', body: fileBytes },
      ]);
      expect(cli.out()).toMatch(/read.*created.*updated.*unchanged.*deleted.*rejected.*status/);
      expect(cli.out()).toMatch(/│ 1 +│ 1 +│ 0 +│ 0 +│ 0 +│ 0 +│ SUCCEEDED/);
      expect(await readFile(report, 'utf8')).toContain('DUPLICATE_IN_FILE');
    });

    it('should reuse the connector it made before and exit 1 when rows were rejected', async () => {
      platform.connectors = [{ connectorId: 'klubbens', connectorType: 'member-file', name: 'x', organisationId: ORG, direction: 'IMPORT', state: 'RUNNING', lastRun: null }];
      platform.runStatuses = [{ status: 'SUCCEEDED', counts: counts({ read: 3, sent: 2, created: 2, rejected: 1 }) }];
      const code = await runCli(['--url', platform.url, 'import', 'members', file, '--organisation', ORG], io());
      expect(code).toBe(ExitCode.ROWS_REJECTED);
      expect(platform.requests).not.toContain('POST /v1/connectors');
      expect(platform.uploads[0].path).toMatch(/^\/v1\/connectors\/klubbens\/runs\?filename=medlemmar\.csv$/);
    });

    it('should exit 2 and say why when the file was refused', async () => {
      platform.runStatuses = [{ status: 'FAILED', error: { code: 'MISSING_COLUMNS', message: 'The file medlemmar.csv lacks required columns: lastName' } }];
      const cli = io(platform.url);
      expect(await runCli(['import', 'members', file, '--organisation', ORG], cli)).toBe(ExitCode.RUN_FAILED);
      expect(cli.err()).toContain('the run failed: MISSING_COLUMNS: The file medlemmar.csv lacks required columns: lastName');
    });

    it('should exit 4 when the key is refused or the platform cannot be reached', async () => {
      const refused = io(platform.url, 'stf_wrong');
      expect(await runCli(['import', 'members', file, '--organisation', ORG], refused)).toBe(ExitCode.UNREACHABLE);
      expect(refused.err()).toContain('401 The API key is not valid.');
      expect(await runCli(['import', 'members', file, '--organisation', ORG], io('http://127.0.0.1:9'))).toBe(ExitCode.UNREACHABLE);
    });

    it.each([
      [['import', 'members', 'x.csv', '--organisation', 'klubben'], '--organisation must be an organisation id'],
      [['import', 'members', 'FILE', '--organisation', ORG, '--as-of', '30/11/2026'], '--as-of must be a date YYYY-MM-DD'],
      [['import', 'members', 'FILE', '--organisation', ORG, '--report', 'r.txt'], '--report must end in .csv, .xlsx or .json'],
      [['import', 'members', path.join(os.tmpdir(), 'no-such-file.csv'), '--organisation', ORG], 'cannot read the file'],
      [['import', 'members', 'FILE'], "required option '--organisation <id>' not specified"],
      [['importera'], "unknown command 'importera'"],
    ])('should exit 3 on a usage error: %j', async (args, message) => {
      const cli = io(platform.url);
      expect(
        await runCli(
          args.map((a) => (a === 'FILE' ? file : a)),
          cli,
        ),
      ).toBe(ExitCode.USAGE);
      expect(cli.err()).toContain(message);
      expect(platform.uploads).toEqual([]);
    });

    it('should exit 3 without an API key', async () => {
      const cli = io(platform.url, null);
      expect(await runCli(['import', 'members', file, '--organisation', ORG], cli)).toBe(ExitCode.USAGE);
      expect(cli.err()).toContain('an API key is required: --api-key <key> or STAFETT_API_KEY');
    });
  });

  describe('export members', () => {
    it("should write the organisation's current members, page after page, as a csv with member numbers", async () => {
      platform.connectors = [
        { connectorId: memberFileConnectorId(ORG), connectorType: 'member-file', name: 'x', organisationId: ORG, direction: 'IMPORT', state: 'RUNNING', lastRun: null },
      ];
      const person = (n: number) => ({
        id: `00000000-0000-4000-8000-00000000000${n}`,
        firstName: `Namn${n}`,
        lastName: 'Berg',
        birthDate: '1990-01-01',
        sex: 'MALE',
        status: 'ACTIVE',
        memberships: [{ organisationId: ORG, from: '2020-01-01', to: null }],
        externalIds: [{ system: `member-file:${ORG}`, id: `M${n}` }],
      });
      platform.persons = [[person(1)], [person(2)]];
      const output = path.join(dir, 'export.csv');
      const cli = io(platform.url);
      expect(await runCli(['export', 'members', '--organisation', ORG, '-o', output], cli)).toBe(ExitCode.OK);
      const text = await readFile(output, 'utf8');
      expect(text.split('\r\n').slice(0, 3)).toEqual([
        '\ufeffMedlemsnummer;Förnamn;Efternamn;Personnummer;Födelsedatum;Kön;E-post;Mobil;Gatuadress;Postnummer;Ort;Land;Medlem sedan',
        'M1;Namn1;Berg;;1990-01-01;Man;;;;;;;2020-01-01',
        'M2;Namn2;Berg;;1990-01-01;Man;;;;;;;2020-01-01',
      ]);
      expect(cli.err()).toContain('2 members written');
    });

    it('should exit 3 for an output that is neither .xlsx nor .csv', async () => {
      expect(await runCli(['export', 'members', '--organisation', ORG, '-o', 'medlemmar.ods'], io(platform.url))).toBe(ExitCode.USAGE);
    });
  });

  describe('connectors', () => {
    it('should print every connector with its state and last run', async () => {
      platform.connectors = [
        {
          connectorId: 'klubbens',
          connectorType: 'member-file',
          name: 'Klubbens register',
          organisationId: ORG,
          direction: 'IMPORT',
          state: 'PAUSED',
          lastRun: { status: 'SUCCEEDED', finishedAt: '2026-11-30T12:00:00Z' },
        },
      ];
      const cli = io(platform.url);
      expect(await runCli(['connectors'], cli)).toBe(ExitCode.OK);
      expect(cli.out()).toMatch(/klubbens.*member-file.*Klubbens register.*IMPORT.*PAUSED.*SUCCEEDED 2026-11-30T12:00:00Z/);
    });
  });
});
