import { createReadStream, createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { Command, CommanderError, Option } from 'commander';
import { PersonsClient, PlatformError, writeMemberFile } from '@stafett/member-file';
import { ConnectorsClient, type ConnectorStatus, type RunStatus } from './connectors-client';

/** Exit codes scripts can rely on (README, CLI). */
export const ExitCode = {
  /** Every row accepted (import), or the command did what it was asked. */
  OK: 0,
  /** The run finished but some rows were rejected (see the summary and --report). */
  ROWS_REJECTED: 1,
  /** The file was refused as a whole, or the run failed or was cancelled: nothing partial to fix row by row. */
  RUN_FAILED: 2,
  /** Usage: unknown command or option, bad argument, missing API key, unreadable local file. */
  USAGE: 3,
  /** The platform cannot be reached, or refused the API key (401/403). */
  UNREACHABLE: 4,
} as const;

export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  /** STAFETT_URL and STAFETT_API_KEY (read by the entry point). */
  readonly env: { readonly STAFETT_URL?: string; readonly STAFETT_API_KEY?: string };
  /** How often a run's status is polled (ms). */
  readonly pollMs?: number;
}

class UsageError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MEMBER_FILE = 'member-file';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv',
};

function organisation(value: string): string {
  if (!UUID.test(value)) throw new UsageError(`--organisation must be an organisation id (uuid), not "${value}"`);
  return value.toLowerCase();
}

/** The connector id the CLI gives a club's member-file connector (lowercase letters, digits and '-'). */
export const memberFileConnectorId = (organisationId: string) => `member-file-${organisationId.toLowerCase()}`;

/**
 * `stafett import members | export members | connectors` against a running platform's HTTP API.
 * Returns the exit code ({@link ExitCode}); never calls process.exit itself.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const out = (s: string) => io.stdout.write(s);
  const err = (s: string) => io.stderr.write(s);
  let code: number = ExitCode.OK;

  const program = new Command('stafett')
    .description(
      'Stafett command line: import and export member registers, see connectors. Exit codes: 0 ok, 1 rows rejected, 2 file refused / run failed, 3 usage, 4 platform unreachable or key refused.',
    )
    .addOption(new Option('--url <url>', 'platform base URL (or STAFETT_URL)').default(io.env.STAFETT_URL ?? 'http://127.0.0.1:8080'))
    .addOption(new Option('--api-key <key>', 'API key, sent as Bearer (or STAFETT_API_KEY)').default(io.env.STAFETT_API_KEY))
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError();

  const clients = () => {
    const { url, apiKey } = program.opts<{ url: string; apiKey?: string }>();
    if (!apiKey) throw new UsageError('an API key is required: --api-key <key> or STAFETT_API_KEY');
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--url must be a URL, not "${url}"`);
    }
    return { url, apiKey, connectors: new ConnectorsClient(url, apiKey) };
  };

  const importCmd = program.command('import').description('import into the platform');
  importCmd
    .command('members <file>')
    .description('import a member register (.xlsx or .csv) into an organisation through its member-file connector (created on first use)')
    .requiredOption('--organisation <id>', 'the organisation (uuid) whose register it is')
    .option('--as-of <date>', "the date the file speaks for (YYYY-MM-DD): a 10-digit personnummer's century is decided on it; default today")
    .option('--report <file>', 'write the row report (every rejected or noted row) to this file: .csv, .xlsx or .json')
    .action(async (file: string, opts: { organisation: string; asOf?: string; report?: string }) => {
      const organisationId = organisation(opts.organisation);
      if (opts.asOf !== undefined && !DATE.test(opts.asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, not "${opts.asOf}"`);
      const reportFormat = opts.report ? reportFormatOf(opts.report) : undefined;
      const ext = path.extname(file).toLowerCase();
      const size = await stat(file).then(
        (s) => (s.isFile() ? s.size : undefined),
        () => undefined,
      );
      if (size === undefined) throw new UsageError(`cannot read the file ${file}`);
      const { connectors } = clients();
      const connectorId = await memberFileConnector(connectors, organisationId);
      const { runId } = await connectors.startRun(
        connectorId,
        { name: path.basename(file), stream: createReadStream(file), size, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' },
        opts.asOf,
      );
      err(`stafett: importing ${path.basename(file)} into ${organisationId} (connector ${connectorId}, run ${runId})\n`);
      const run = await follow(connectors, connectorId, runId, io);
      out(summary(run, io.stdout.isTTY === true));
      if (opts.report && reportFormat) {
        await writeFile(opts.report, await connectors.report(connectorId, runId, reportFormat));
        err(`stafett: row report written to ${opts.report}\n`);
      }
      if (run.status !== 'SUCCEEDED') {
        err(`stafett: the run ${run.status === 'CANCELLED' ? 'was cancelled' : 'failed'}${run.error ? `: ${run.error.code}: ${run.error.message}` : ''}\n`);
        code = ExitCode.RUN_FAILED;
      } else code = run.counts.rejected > 0 ? ExitCode.ROWS_REJECTED : ExitCode.OK;
    });

  const exportCmd = program.command('export').description('export from the platform');
  exportCmd
    .command('members')
    .description("write an organisation's current members to .xlsx or .csv, with the headers `import members` reads")
    .requiredOption('--organisation <id>', 'the organisation (uuid)')
    .requiredOption('-o, --output <file>', 'the file to write: .xlsx or .csv (UTF-8 with BOM, ";")')
    .action(async (opts: { organisation: string; output: string }) => {
      const organisationId = organisation(opts.organisation);
      const ext = path.extname(opts.output).toLowerCase();
      if (ext !== '.xlsx' && ext !== '.csv') throw new UsageError(`-o must end in .xlsx or .csv, not "${opts.output}"`);
      const { url, apiKey, connectors } = clients();
      // The member numbers are the external ids of the organisation's member-file connector, when it has one.
      const sourceSystem = await connectors
        .get(memberFileConnectorId(organisationId))
        .then((c) => c.agreement.sourceSystem)
        .catch((e: unknown) => {
          if (e instanceof PlatformError && e.status === 404) return undefined;
          throw e;
        });
      const persons = new PersonsClient({ baseUrl: url, apiKey }).persons(organisationId);
      const stream = createWriteStream(opts.output);
      const written = await writeMemberFile(persons, ext === '.csv' ? 'csv' : 'xlsx', stream, { organisationId, sourceSystem, asOf: new Date().toISOString().slice(0, 10) });
      await finished(stream);
      err(`stafett: ${written} members written to ${opts.output}\n`);
    });

  program
    .command('connectors')
    .description('the connectors and their state')
    .action(async () => {
      const items = await clients().connectors.list();
      out(connectorTable(items, io.stdout.isTTY === true));
    });

  program
    .command('lok')
    .description("a club's LOK-stöd application for a period: the summary, or --verdicts, --file csv|xml, --participants (personal data)")
    .argument('<organisation>', 'the club (uuid)')
    .argument('<period>', 'YYYYH1 (January–June) or YYYYH2 (July–December)')
    .option('--verdicts', 'the per-activity verdicts with every reason (JSON)')
    .addOption(new Option('--file <format>', 'the municipal file (docs/lok-file-format.md)').choices(['csv', 'xml']))
    .option('--participants', 'the participant list: Namn;Personnummer;Kön (personal data: a key bound to the club, or an admin key)')
    .option('--as-of <date>', 'the submission day for the late reduction (YYYY-MM-DD); default today')
    .option('-o, --output <file>', 'write the answer to this file instead of stdout')
    .action(async (org: string, period: string, opts: { verdicts?: boolean; file?: 'csv' | 'xml'; participants?: boolean; asOf?: string; output?: string }) => {
      if (!UUID.test(org)) throw new UsageError(`the organisation must be a club id (uuid), not "${org}"`);
      const organisationId = org.toLowerCase();
      if (!/^\d{4}H[12]$/.test(period)) throw new UsageError(`the period must be YYYYH1 or YYYYH2, not "${period}"`);
      if (opts.asOf !== undefined && !DATE.test(opts.asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, not "${opts.asOf}"`);
      if ([opts.verdicts, opts.file, opts.participants].filter(Boolean).length > 1) throw new UsageError('choose one of --verdicts, --file and --participants');
      const { url, apiKey } = clients();
      const base = `${url.replace(/\/$/, '')}/v1/lok/${organisationId}/${period}`;
      const target = opts.verdicts
        ? `${base}/verdicts`
        : opts.file
          ? `${base}/file?format=${opts.file}`
          : opts.participants
            ? `${base}/participants.csv`
            : `${base}${opts.asOf ? `?asOf=${opts.asOf}` : ''}`;
      const res = await fetch(target, { headers: { authorization: `Bearer ${apiKey}` } }).catch((e: unknown) => {
        throw new PlatformError(0, `cannot reach ${url}: ${e instanceof Error ? e.message : String(e)}`);
      });
      const text = await res.text();
      if (!res.ok) {
        let detail = text;
        try {
          const problem = JSON.parse(text) as { detail?: string; errors?: { field: string; message: string }[] };
          detail = [problem.detail, ...(problem.errors ?? []).map((e) => `${e.field}: ${e.message}`)].filter(Boolean).join(' ');
        } catch {
          // not a problem document: the text as it is
        }
        throw new PlatformError(res.status, `the platform answered ${res.status}: ${detail}`);
      }
      const answer = opts.verdicts ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : opts.file || opts.participants ? text : lokSummary(JSON.parse(text) as LokSummaryAnswer);
      if (opts.output) {
        await writeFile(opts.output, answer);
        err(`stafett: written to ${opts.output}\n`);
      } else out(answer);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? ExitCode.OK : ExitCode.USAGE;
    if (e instanceof UsageError) {
      err(`stafett: ${e.message}\n`);
      return ExitCode.USAGE;
    }
    if (e instanceof PlatformError) {
      err(`stafett: ${e.message}\n`);
      return e.status === 0 || e.status === 401 || e.status === 403 ? ExitCode.UNREACHABLE : ExitCode.RUN_FAILED;
    }
    err(`stafett: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.RUN_FAILED;
  }
}

function reportFormatOf(file: string): 'json' | 'csv' | 'xlsx' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json' || ext === '.csv' || ext === '.xlsx') return ext.slice(1) as 'json' | 'csv' | 'xlsx';
  throw new UsageError(`--report must end in .csv, .xlsx or .json, not "${file}"`);
}

/** The organisation's member-file connector: the one the CLI created before, or a new one. */
async function memberFileConnector(connectors: ConnectorsClient, organisationId: string): Promise<string> {
  const existing = (await connectors.list()).find((c) => c.connectorType === MEMBER_FILE && c.organisationId.toLowerCase() === organisationId && c.direction === 'IMPORT');
  if (existing) return existing.connectorId;
  const connectorId = memberFileConnectorId(organisationId);
  await connectors.create({
    connectorId,
    connectorType: MEMBER_FILE,
    name: `Member register of ${organisationId}`,
    organisationId,
    direction: 'IMPORT',
    // Not `member-file:<id>`: a source system may not hold ":" (the import key is `<sourceSystem>:<externalId>`).
    sourceSystem: connectorId,
    entities: [{ entity: 'person', matchKeys: ['externalId', 'personalIdentityNumber'], onDelete: 'IGNORE' }],
    schedule: { kind: 'MANUAL' },
    config: {},
  });
  return connectorId;
}

/** Polls the run until it ends, with a progress bar on a terminal. */
async function follow(connectors: ConnectorsClient, connectorId: string, runId: string, io: CliIo): Promise<RunStatus> {
  const bar = io.stderr.isTTY ? new SingleBar({ stream: io.stderr, format: ' {bar} {percentage}% | {rows} rows | {eta_formatted}', hideCursor: true }) : undefined;
  let started = false;
  try {
    for (;;) {
      const run = await connectors.run(connectorId, runId);
      const { bytesRead, totalBytes, read = 0 } = run.progress ?? {};
      if (bar) {
        const total = totalBytes ?? 0;
        if (!started) bar.start(total || 1, 0, { rows: read });
        started = true;
        bar.setTotal(total || 1);
        bar.update(run.status === 'RUNNING' ? (bytesRead ?? 0) : total || 1, { rows: read });
      }
      if (run.status !== 'RUNNING') return run;
      await sleep(io.pollMs ?? 500);
    }
  } finally {
    bar?.stop();
  }
}

/** Colours on a terminal only: a file or a pipe gets plain text. */
const tableStyle = (color: boolean) => (color ? {} : { style: { head: [], border: [] } });

function summary(run: RunStatus, color: boolean): string {
  const t = new Table({ head: ['read', 'created', 'updated', 'unchanged', 'deleted', 'rejected', 'status'], ...tableStyle(color) });
  const c = run.counts;
  t.push([c.read, c.created, c.updated, c.unchanged, c.deleted, c.rejected, run.status]);
  return `${t.toString()}\n`;
}

function connectorTable(items: readonly ConnectorStatus[], color: boolean): string {
  if (items.length === 0) return 'No connectors.\n';
  const t = new Table({ head: ['connector', 'type', 'name', 'organisation', 'direction', 'state', 'last run'], ...tableStyle(color) });
  for (const c of items) {
    const last = c.lastRun ? `${c.lastRun.status ?? ''} ${c.lastRun.finishedAt ?? c.lastRun.startedAt ?? ''}`.trim() : '–';
    t.push([c.connectorId, c.connectorType, c.name, c.organisationId, c.direction, c.state, last]);
  }
  return `${t.toString()}\n`;
}

/** The fields of GET /v1/lok/:id/:period the CLI prints. */
interface LokSummaryAnswer {
  readonly organisation: { readonly name: string; readonly organisationNumber: string | null };
  readonly period: { readonly id: string; readonly deadline: string };
  readonly lateness: { readonly asOf: string; readonly daysLate: number; readonly reductionPercent: number };
  readonly activities: { readonly evaluated: number; readonly eligible: number; readonly notEligible: number };
  readonly participantOccasions: { readonly total: number; readonly byAgeBand: Record<string, { FEMALE: number; MALE: number; UNKNOWN: number; total: number }> };
  readonly leaderOccasions: { readonly total: number };
  readonly reasons: Record<string, number>;
  readonly amounts: { readonly total: number; readonly afterReduction: number };
}

/** A club's LOK-stöd summary as a table. */
function lokSummary(a: LokSummaryAnswer): string {
  const table = new Table({ head: ['age band', 'female', 'male', 'unknown', 'total'], style: { head: [], border: [] } });
  for (const [band, c] of Object.entries(a.participantOccasions.byAgeBand)) table.push([band, c.FEMALE, c.MALE, c.UNKNOWN, c.total]);
  const reasons = Object.entries(a.reasons)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return [
    `${a.organisation.name}${a.organisation.organisationNumber ? ` (${a.organisation.organisationNumber})` : ''}, LOK-stöd ${a.period.id}`,
    `activities: ${a.activities.eligible} eligible of ${a.activities.evaluated} (${a.activities.notEligible} not eligible)`,
    `participant occasions: ${a.participantOccasions.total}; leader occasions: ${a.leaderOccasions.total}`,
    table.toString(),
    `reasons: ${reasons || 'none'}`,
    `deadline ${a.period.deadline}; as of ${a.lateness.asOf}: ${a.lateness.daysLate} days late, reduction ${a.lateness.reductionPercent} %`,
    `estimated amount: ${a.amounts.total} SEK, after the reduction ${a.amounts.afterReduction} SEK`,
    '',
  ].join('\n');
}
