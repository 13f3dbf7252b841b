import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { ExitCode, runCli } from './stafett-cli';

const CLUB = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';
const KEY = 'stf_good';

const SUMMARY = {
  organisation: { name: 'IK Stafett', organisationNumber: '8020001234' },
  period: { id: '2026H1', deadline: '2026-08-25' },
  lateness: { asOf: '2026-09-02', daysLate: 8, reductionPercent: 20 },
  activities: { evaluated: 6, eligible: 2, notEligible: 4 },
  participantOccasions: { total: 6, byAgeBand: { '7-12': { FEMALE: 3, MALE: 1, UNKNOWN: 0, total: 4 } } },
  leaderOccasions: { total: 2 },
  reasons: { TOO_SHORT: 1, NO_ELIGIBLE_LEADER: 1 },
  amounts: { total: 270, afterReduction: 216 },
};

/** `stafett lok`: what it asks the platform for and what a club administrator reads. */
describe('stafett lok', () => {
  let server: Server;
  let url = '';
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url!);
      if (req.headers.authorization !== `Bearer ${KEY}`)
        return void res.writeHead(401, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 401, detail: 'The API key is not valid.' }));
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === `/v1/lok/${CLUB}/2026H1`) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SUMMARY));
      if (path === `/v1/lok/${CLUB}/2026H1/file`) return void res.writeHead(200, { 'content-type': 'text/csv' }).end('period;organisationNumber\r\n2026H1;8020001234\r\n');
      if (path === `/v1/lok/${CLUB}/2026H1/participants.csv`)
        return void res.writeHead(403, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 403, detail: 'The participant list holds personal data.' }));
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, detail: 'No club with this id.' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const run = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
    stdout.on('data', (c: Buffer) => chunks.out.push(c));
    stderr.on('data', (c: Buffer) => chunks.err.push(c));
    const code = await runCli(argv, { stdout, stderr, env: { STAFETT_URL: url, STAFETT_API_KEY: KEY } });
    return { code, stdout: Buffer.concat(chunks.out).toString(), stderr: Buffer.concat(chunks.err).toString() };
  };

  it('should print the summary with the deadline, the reduction and the amounts', async () => {
    const r = await run('lok', CLUB, '2026H1', '--as-of', '2026-09-02');
    expect(r.code).toBe(ExitCode.OK);
    expect(requests.at(-1)).toBe(`/v1/lok/${CLUB}/2026H1?asOf=2026-09-02`);
    expect(r.stdout).toContain('IK Stafett (8020001234), LOK-stöd 2026H1');
    expect(r.stdout).toContain('activities: 2 eligible of 6 (4 not eligible)');
    expect(r.stdout).toMatch(/7-12\s*│\s*3\s*│\s*1\s*│\s*0\s*│\s*4/);
    expect(r.stdout).toContain('reasons: NO_ELIGIBLE_LEADER 1, TOO_SHORT 1');
    expect(r.stdout).toContain('deadline 2026-08-25; as of 2026-09-02: 8 days late, reduction 20 %');
    expect(r.stdout).toContain('estimated amount: 270 SEK, after the reduction 216 SEK');
  });

  it('should write the municipal file as the platform serves it', async () => {
    const r = await run('lok', CLUB, '2026H1', '--file', 'csv');
    expect(r.code).toBe(ExitCode.OK);
    expect(requests.at(-1)).toBe(`/v1/lok/${CLUB}/2026H1/file?format=csv`);
    expect(r.stdout).toBe('period;organisationNumber\r\n2026H1;8020001234\r\n');
  });

  it.each([
    [['lok', 'not-a-uuid', '2026H1'], 'the organisation must be a club id (uuid)'],
    [['lok', CLUB, '2026H3'], 'the period must be YYYYH1 or YYYYH2'],
    [['lok', CLUB, '2026H1', '--as-of', '2026/09/02'], '--as-of must be a date'],
    [['lok', CLUB, '2026H1', '--verdicts', '--participants'], 'choose one of'],
  ])('should refuse %j as usage', async (argv, message) => {
    const before = requests.length;
    const r = await run(...argv);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toContain(message);
    expect(requests.length).toBe(before);
  });

  it('should say why the platform refused the participant list (403) and exit 4', async () => {
    const r = await run('lok', CLUB, '2026H1', '--participants');
    expect(r.code).toBe(ExitCode.UNREACHABLE);
    expect(r.stderr).toContain('the platform answered 403: The participant list holds personal data.');
  });

  it('should exit 2 with the problem for another club (404)', async () => {
    const r = await run('lok', '11111111-2222-4333-8444-555555555555', '2026H1');
    expect(r.code).toBe(ExitCode.RUN_FAILED);
    expect(r.stderr).toContain('404: No club with this id.');
  });
});
