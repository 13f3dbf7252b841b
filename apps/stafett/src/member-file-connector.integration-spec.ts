/**
 * Issue 11 end to end: the CLI's own code (`runCli`, in-process, with captured output) against the
 * all-in-one app's real HTTP port, which hosts the member-file connector, on the real broker and
 * Postgres. Organisations through /v1/organisations, club-scoped import keys from /v1/api-keys,
 * agreements through /v1/connectors. What a user sees: exit codes, the summary, the row report
 * file, the persons, and the number of change events (GET /v1/changes).
 */
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { luhnCheckDigit, makePersonnummer } from '@stafett/domain';
import { AgreementBook } from '@stafett/entity-pipeline';
import { validPerson } from '@stafett/person/testing';
import { freePort, testConfig, uniqueId, waitFor } from '@stafett/testing';
import { ExitCode, runCli } from './cli/stafett-cli';
import { createApp } from './create-app';

const AS_OF = '2026-11-30';

function orgnr(): string {
  const nine = `802${String(randomInt(1e6)).padStart(6, '0')}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

/** A personnummer (12 digits) of someone born on this date, unique enough for a test run. */
const pnr = (birthDate: string, sex: 'FEMALE' | 'MALE' = 'FEMALE') => makePersonnummer({ birthDate, sex, serial: randomInt(500) });
/** The 10-digit form people type: YYMMDD-NNNN (or `+` for 100 years or older). */
const tenDigits = (p: string, sep: '-' | '+') => `${p.slice(2, 8)}${sep}${p.slice(8)}`;

async function xlsx(rows: readonly (readonly (string | number | null)[])[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const sheet = wb.addWorksheet('Medlemmar');
  for (const r of rows) sheet.addRow([...r]).commit();
  sheet.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

const win1252Csv = (rows: readonly (readonly string[])[]) => iconv.encode(rows.map((r) => r.join(';')).join('\r\n') + '\r\n', 'win1252');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface Person {
  id: string;
  personalIdentityNumber: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  address: { street: string | null; postalCode: string | null; city: string | null } | null;
  memberships: { organisationId: string; from: string }[];
}

/** The counts row of the CLI's summary table: read, created, updated, unchanged, deleted, rejected, status. */
function summaryOf({ stdout, stderr }: CliResult): Record<string, string> {
  const rows = stdout
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const [head, values] = rows;
  if (!head || !values) throw new Error(`no summary table in:\n${stdout}\n${stderr}`);
  return Object.fromEntries(head.map((h, i) => [h, values[i]]));
}

/** The data lines of a CSV row report (kind,row,position,column,code,message,externalId). */
async function reportLines(file: string): Promise<string[]> {
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').trim();
  return text.split(/\r?\n/).slice(1);
}

describe('member-file connector end to end (CLI → all-in-one)', () => {
  const adminKey = `stf_${uniqueId('mfc-admin').replace(/[^A-Za-z0-9_-]/g, '')}`;
  let app: INestApplication;
  let url: string;
  let dir: string;
  const http = () => request(app.getHttpServer());
  const as = (key: string) => (r: request.Test) => r.set('authorization', `Bearer ${key}`);
  const admin = as(adminKey);
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};

  async function cli(key: string, ...argv: string[]): Promise<CliResult> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await runCli(['--url', url, '--api-key', key, ...argv], { stdout, stderr, env: {}, pollMs: 100 });
    return { code, stdout: out, stderr: err };
  }

  const file = async (name: string, bytes: Buffer) => {
    const p = path.join(dir, name);
    await writeFile(p, bytes);
    return p;
  };

  async function createOrganisation(body: Record<string, unknown>): Promise<string> {
    const res = await admin(http().post('/v1/organisations')).send(body).expect(201);
    return (res.body as { id: string }).id;
  }

  async function personByPnr(personalIdentityNumber: string): Promise<Person | undefined> {
    const res = await admin(http().get('/v1/persons')).query({ personalIdentityNumber }).expect(200);
    return (res.body as { items: Person[] }).items[0];
  }

  async function membersOf(organisationId: string): Promise<Person[]> {
    const res = await admin(http().get('/v1/persons')).query({ organisationId, limit: 100 }).expect(200);
    return (res.body as { items: Person[] }).items;
  }

  /** The entity ids of every person change event kept so far (GET /v1/changes, all pages, oldest first). */
  async function personChangeLog(): Promise<string[]> {
    let since: string | undefined;
    const out: string[] = [];
    for (;;) {
      const res = await admin(http().get('/v1/changes'))
        .query({ entity: 'person', limit: 1000, ...(since ? { since } : {}) })
        .expect(200);
      const page = res.body as { changes: { entityId: string }[]; nextCursor: string };
      out.push(...page.changes.map((c) => c.entityId));
      if (page.changes.length === 0 || page.nextCursor === since) return out;
      since = page.nextCursor;
    }
  }
  const personChanges = async () => (await personChangeLog()).length;

  /** Waits until the change log holds `n` person changes (the relay publishes after the run's results). */
  const changesReach = (n: number) => waitFor(`${n} person changes`, async () => ((await personChanges()) >= n ? true : undefined), 60_000, 250);

  let sentinels = 0;
  /**
   * Imports a sentinel person (no membership) and waits until its change event is in the change log:
   * the events of every step before it were relayed before it. Answers the log and the sentinel's id.
   */
  async function sentinel(): Promise<{ log: string[]; id: string }> {
    const n = ++sentinels;
    const submitted = await admin(http().post('/v1/imports'))
      .send({ source: { system: 'sentinel' }, records: [{ entityType: 'person', externalId: `sentinel-${n}`, op: 'UPSERT', payload: validPerson(900 + n) }] })
      .expect(202);
    const batch = await waitFor(
      'the sentinel',
      async () => {
        const got = await admin(http().get(`/v1/imports/${(submitted.body as { batchId: string }).batchId}`)).expect(200);
        return (got.body as { status: string }).status === 'DONE' ? (got.body as { results: { outcome: string; entityId: string }[] }) : undefined;
      },
      60_000,
      100,
    );
    expect(batch.results.map((r) => r.outcome)).toEqual(['CREATED']);
    const id = batch.results[0].entityId;
    const log = await waitFor(
      'the sentinel in the change log',
      async () => {
        const got = await personChangeLog();
        return got.includes(id) ? got : undefined;
      },
      60_000,
      100,
    );
    return { log, id };
  }

  /** The number of person changes once every change so far is in the change log. */
  const settledChanges = async () => (await sentinel()).log.length;

  /** No person change event since the log held `before` (taken with {@link settledChanges}): the next sentinel is the only new one. */
  async function expectNoChangesSince(before: number): Promise<void> {
    const { log, id } = await sentinel();
    expect(log.slice(before)).toEqual([id]);
  }

  const newKey = async (name: string, organisationId: string) =>
    (
      (
        await admin(http().post('/v1/api-keys'))
          .send({ name, roles: ['read', 'import'], organisationId })
          .expect(201)
      ).body as { key: string }
    ).key;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stafett-mfc-'));
    const port = await freePort();
    app = await createApp(testConfig({ STAFETT_ADMIN_API_KEY: adminKey, PORT: String(port), STAFETT_REFERENCE_WAIT_MS: '30000' }));
    await app.listen(port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
    await waitFor('ready', async () => ((await http().get('/health/ready')).status === 200 ? true : undefined), 60_000, 250);
    ids['fed'] = await createOrganisation({ type: 'FEDERATION', name: 'Förbundet', organisationNumber: orgnr() });
    ids['club-a'] = await createOrganisation({ type: 'CLUB', name: 'Klubb A', parentId: ids['fed'] });
    ids['club-b'] = await createOrganisation({ type: 'CLUB', name: 'Klubb B', parentId: ids['fed'] });
    keys['club-a'] = await newKey('klubb-a', ids['club-a']);
    keys['club-b'] = await newKey('klubb-b', ids['club-b']);
    // Scoped keys see their subtree once the connectors' projection of the organisations has it.
    for (const club of ['club-a', 'club-b'])
      await waitFor(
        `${club} in the connectors' projection`,
        async () => ((await as(keys[club])(http().get('/v1/connectors')).query({})).status === 200 ? true : undefined),
        60_000,
        250,
      );
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const anna = pnr('1985-04-12');
  const bertil = pnr('1990-06-01', 'MALE');
  const greta = pnr('1920-03-15');
  const dup = pnr('2001-09-09', 'MALE');
  const dora = pnr('1975-12-24');
  let firstXlsx: string;

  it('should import an .xlsx with exit 1, the summary counts and a report naming each rejected row, and give 10-digit personnummer 12 digits', async () => {
    firstXlsx = await file(
      'medlemmar.xlsx',
      await xlsx([
        ['Förnamn', 'Efternamn', 'Personnummer', 'E-post', 'Medlem sedan'],
        ['Anna', 'Andersson', anna, 'anna@example.se', '2020-01-15'],
        ['Bertil', 'Berg', tenDigits(bertil, '-'), 'bertil@example.se', '2019-08-01'],
        ['Greta', 'Gammal', tenDigits(greta, '+'), null, '1950-01-01'],
        ['Dubbel', 'Ett', dup, null, '2021-01-01'],
        ['Dubbel', 'Två', dup, null, '2021-01-01'],
        ['Dora', 'Datum', dora, null, 'igår'],
      ]),
    );
    const report = path.join(dir, 'rapport.csv');
    const before = await personChanges();

    const res = await cli(keys['club-a'], 'import', 'members', firstXlsx, '--organisation', ids['club-a'], '--as-of', AS_OF, '--report', report);

    expect([res.code, res.stderr]).toEqual([ExitCode.ROWS_REJECTED, expect.stringContaining(`row report written to ${report}`)]);
    expect(summaryOf(res)).toEqual({ read: '6', created: '3', updated: '0', unchanged: '0', deleted: '0', rejected: '3', status: 'SUCCEEDED' });
    const lines = await reportLines(report);
    expect(lines.filter((l) => l.startsWith('REJECTED'))).toEqual([
      expect.stringMatching(/^REJECTED,5,row 5,personalIdentityNumber,DUPLICATE_IN_FILE,The same personnummer is also on row 6/),
      expect.stringMatching(/^REJECTED,6,row 6,personalIdentityNumber,DUPLICATE_IN_FILE,The same personnummer is already on row 5/),
      expect.stringMatching(/^REJECTED,7,row 7,memberships.from,INVALID_DATE,"Column ""Medlem sedan"": not a date/),
    ]);
    expect(lines.filter((l) => l.includes('PERSONNUMMER_CENTURY_ADDED'))).toEqual([
      expect.stringMatching(/^NOTED,3,row 3,personalIdentityNumber,PERSONNUMMER_CENTURY_ADDED,/),
      expect.stringMatching(/^NOTED,4,row 4,personalIdentityNumber,PERSONNUMMER_CENTURY_ADDED,/),
    ]);
    expect(lines.join('\n')).not.toContain(dup.slice(2, 8));

    for (const p of [anna, bertil, greta]) {
      const person = await personByPnr(p);
      expect([p, person?.personalIdentityNumber, person?.memberships.map((m) => m.organisationId)]).toEqual([p, p, [ids['club-a']]]);
    }
    expect(await personByPnr(dup)).toBeUndefined();
    expect(await personByPnr(dora)).toBeUndefined();
    await changesReach(before + 3);
  });

  it('should come back all UNCHANGED on a repeat import of the same file', async () => {
    const before = await settledChanges();
    const res = await cli(keys['club-a'], 'import', 'members', firstXlsx, '--organisation', ids['club-a'], '--as-of', AS_OF);
    expect([res.code, summaryOf(res)]).toEqual([
      ExitCode.ROWS_REJECTED,
      { read: '6', created: '0', updated: '0', unchanged: '3', deleted: '0', rejected: '3', status: 'SUCCEEDED' },
    ]);
    await expectNoChangesSince(before);
  });

  it('should import a Windows-1252 .csv with å, ä and ö in the names coming out right', async () => {
    const asa = pnr('1999-02-02');
    const marta = pnr('1988-07-07');
    const csv = await file(
      'medlemmar-1252.csv',
      win1252Csv([
        ['Förnamn', 'Efternamn', 'Personnummer', 'Ort', 'Medlem sedan'],
        ['Åsa', 'Öberg', asa, 'Malmö', '2018-03-01'],
        ['Märta', 'Ärlig', tenDigits(marta, '-'), 'Västerås', '2018-03-01'],
      ]),
    );
    const res = await cli(keys['club-b'], 'import', 'members', csv, '--organisation', ids['club-b'], '--as-of', AS_OF);
    expect([res.code, summaryOf(res)]).toEqual([ExitCode.OK, expect.objectContaining({ read: '2', created: '2', rejected: '0', status: 'SUCCEEDED' })]);
    expect(await personByPnr(asa)).toMatchObject({ firstName: 'Åsa', lastName: 'Öberg', address: { city: 'Malmö' } });
    expect(await personByPnr(marta)).toMatchObject({ firstName: 'Märta', lastName: 'Ärlig', address: { city: 'Västerås' } });
  });

  it('should reject, with the row and the reason, a row of another encoding in a UTF-8 .csv, and import the others', async () => {
    const [ok, mixed] = [pnr('1992-10-10'), pnr('1993-11-11')];
    const report = path.join(dir, 'blandad.csv');
    const bytes = Buffer.concat([
      Buffer.from(`Förnamn;Efternamn;Personnummer;Medlem sedan\r\nÖrjan;Ström;${ok};2021-01-01\r\n`, 'utf8'),
      iconv.encode(`Åke;Öst;${mixed};2021-01-01\r\n`, 'win1252'),
    ]);
    const res = await cli(keys['club-b'], 'import', 'members', await file('blandad.csv', bytes), '--organisation', ids['club-b'], '--as-of', AS_OF, '--report', report);
    expect([res.code, summaryOf(res)]).toEqual([ExitCode.ROWS_REJECTED, expect.objectContaining({ read: '2', created: '1', rejected: '1' })]);
    expect((await reportLines(report)).filter((l) => l.startsWith('REJECTED'))).toEqual([
      expect.stringMatching(/^REJECTED,3,row 3,firstName,MIXED_ENCODING,"Column ""Förnamn"": bytes that are not UTF-8/),
      expect.stringMatching(/^REJECTED,3,row 3,lastName,MIXED_ENCODING,"Column ""Efternamn"": bytes that are not UTF-8/),
    ]);
    expect(await personByPnr(ok)).toMatchObject({ firstName: 'Örjan', lastName: 'Ström' });
    expect(await personByPnr(mixed)).toBeUndefined();
  });

  describe('a file that cannot be read', () => {
    const valid = () =>
      xlsx([['Förnamn', 'Efternamn', 'Personnummer'], ...Array.from({ length: 50 }, (_, i) => [`Namn${i}`, 'Trasig', pnr(`1980-01-${String((i % 28) + 1).padStart(2, '0')}`)])]);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    const cases: [string, string, () => Promise<Buffer>, RegExp][] = [
      ['PNG bytes named .xlsx', 'bild.xlsx', async () => png, /NOT_A_SPREADSHEET: .*bild\.xlsx/],
      ['a truncated .xlsx', 'avbruten.xlsx', async () => (await valid()).subarray(0, 2000), /UNREADABLE_FILE: .*avbruten\.xlsx/],
      [
        'missing required columns',
        'kolumner.csv',
        async () => Buffer.from(`Förnamn;E-post\r\nAnna;a@example.se\r\n`),
        /MISSING_COLUMNS: .*(Efternamn|Personnummer|lastName|personalIdentityNumber)/i,
      ],
      ['a 0-byte file', 'tom.csv', async () => Buffer.alloc(0), /EMPTY_FILE: .*tom\.csv/],
    ];

    it.each(cases)('should refuse %s with exit 2 and a message naming the problem, applying nothing', async (_, name, bytes, message) => {
      const changes = await settledChanges();
      const members = (await membersOf(ids['club-a'])).length;
      const res = await cli(keys['club-a'], 'import', 'members', await file(name, await bytes()), '--organisation', ids['club-a'], '--as-of', AS_OF);
      expect([res.code, res.stderr]).toEqual([ExitCode.RUN_FAILED, expect.stringMatching(message)]);
      expect(summaryOf(res)).toMatchObject({ created: '0', updated: '0', status: 'FAILED' });
      expect((await membersOf(ids['club-a'])).length).toBe(members);
      await expectNoChangesSince(changes);
    });
  });

  it("should add a person who is a member of another club through this club's file, keeping the other membership and dropping the other fields", async () => {
    const elsa = pnr('1995-05-05');
    const csvB = await file('klubb-b.csv', Buffer.from(`Förnamn;Efternamn;Personnummer;E-post;Medlem sedan\r\nElsa;Ek;${elsa};elsa@b.example.se;2015-01-01\r\n`));
    expect((await cli(keys['club-b'], 'import', 'members', csvB, '--organisation', ids['club-b'], '--as-of', AS_OF)).code).toBe(ExitCode.OK);

    const report = path.join(dir, 'elsa.json');
    const csvA = await file('klubb-a-elsa.csv', Buffer.from(`Förnamn;Efternamn;Personnummer;E-post;Medlem sedan\r\nElsa;Eksson;${elsa};elsa@a.example.se;2024-02-01\r\n`));
    const res = await cli(keys['club-a'], 'import', 'members', csvA, '--organisation', ids['club-a'], '--as-of', AS_OF, '--report', report);
    expect([res.code, summaryOf(res)]).toEqual([ExitCode.OK, expect.objectContaining({ read: '1', updated: '1', rejected: '0' })]);
    const person = await personByPnr(elsa);
    expect(person).toMatchObject({ firstName: 'Elsa', lastName: 'Ek', email: 'elsa@b.example.se' });
    expect(person!.memberships.map((m) => [m.organisationId, m.from])).toEqual([
      [ids['club-b'], '2015-01-01'],
      [ids['club-a'], '2024-02-01'],
    ]);
    const items = (JSON.parse(await readFile(report, 'utf8')) as { items: { kind: string; row: number; column: string | null; code: string }[] }).items;
    expect(items.filter((i) => i.code === 'FIELD_OUTSIDE_SCOPE').map((i) => [i.kind, i.row, i.column])).toEqual([
      ['NOTED', 2, 'firstName'],
      ['NOTED', 2, 'lastName'],
      ['NOTED', 2, 'email'],
    ]);
  });

  it.each(['xlsx', 'csv'])('should export the register as .%s and re-import it with exit 0 and zero new change events', async (format) => {
    const out = path.join(dir, `export.${format}`);
    const exported = await cli(keys['club-a'], 'export', 'members', '--organisation', ids['club-a'], '-o', out);
    expect([exported.code, exported.stderr]).toEqual([ExitCode.OK, expect.stringContaining(`4 members written to ${out}`)]);
    const before = await settledChanges();
    const res = await cli(keys['club-a'], 'import', 'members', out, '--organisation', ids['club-a'], '--as-of', AS_OF);
    expect([res.code, summaryOf(res)]).toEqual([ExitCode.OK, { read: '4', created: '0', updated: '0', unchanged: '4', deleted: '0', rejected: '0', status: 'SUCCEEDED' }]);
    await expectNoChangesSince(before);
  });

  it('should list the connectors with their state and last run', async () => {
    const res = await cli(adminKey, 'connectors');
    expect(res.code).toBe(ExitCode.OK);
    const rows = res.stdout.split('\n').filter((l) => l.includes('member-file-'));
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining(['club-a', 'club-b'].map((club): unknown => expect.stringMatching(new RegExp(`member-file-${ids[club]}.*RUNNING.*SUCCEEDED \\d{4}-\\d{2}-\\d{2}T`)))),
    );
  });

  describe('two agreements owning different fields of a person', () => {
    const tag = randomUUID().slice(0, 8);
    const contact = `kontakt-${tag}`;
    const address = `adress-${tag}`;
    const headers = ['Förnamn', 'Efternamn', 'Personnummer', 'E-post', 'Mobil', 'Adress', 'Postnummer', 'Ort', 'Medlem sedan'];
    const owner = pnr('1983-03-03');

    const agreement = (connectorId: string, ownedFields: string[]) => ({
      connectorId,
      connectorType: 'member-file',
      name: `Medlemsregister (${ownedFields.join(', ')})`,
      organisationId: ids['club-c'],
      direction: 'IMPORT',
      sourceSystem: connectorId,
      entities: [{ entity: 'person', matchKeys: ['externalId', 'personalIdentityNumber'], ownedFields }],
      config: {},
    });

    interface ReportItem {
      kind: string;
      row: number;
      code: string;
      field?: string | null;
      column?: string | null;
      message: string;
    }

    async function run(connectorId: string, csv: string): Promise<{ run: { status: string; counts: Record<string, number> }; items: ReportItem[] }> {
      const started = await admin(http().post(`/v1/connectors/${connectorId}/runs`))
        .query({ filename: 'medlemmar.csv', asOf: AS_OF })
        .set('content-type', 'text/csv')
        .send(Buffer.from(csv))
        .expect(202);
      const runId = (started.body as { runId: string }).runId;
      const done = await waitFor(
        `run ${runId}`,
        async () => {
          const got = await admin(http().get(`/v1/connectors/${connectorId}/runs/${runId}`)).expect(200);
          return (got.body as { status: string }).status === 'RUNNING' ? undefined : (got.body as { status: string; counts: Record<string, number> });
        },
        60_000,
        100,
      );
      const report = await admin(http().get(`/v1/connectors/${connectorId}/runs/${runId}/report`)).expect(200);
      return { run: done, items: (report.body as { items: ReportItem[] }).items };
    }

    const row = (...cells: string[]) => cells.join(';');

    beforeAll(async () => {
      ids['club-c'] = await createOrganisation({ type: 'CLUB', name: 'Klubb C', parentId: ids['fed'] });
      await admin(http().post('/v1/connectors'))
        .send(agreement(contact, ['email', 'phone']))
        .expect(201);
      await admin(http().post('/v1/connectors'))
        .send(agreement(address, ['address']))
        .expect(201);
      // The domain services learn agreements from stafett.connectors.v1; wait until they hold both.
      const book = app.get(AgreementBook, { strict: false });
      await waitFor('both agreements in the agreement book', () => (book.get(contact) && book.get(address) ? true : undefined), 60_000, 100);
    });

    it("should drop each connector's writes to the fields the other's agreement owns, with FIELD_OWNED_BY_OTHER_SOURCE in its run report", async () => {
      const first = await run(
        contact,
        [headers.join(';'), row('Olle', 'Ägare', owner, 'olle@kontakt.se', '070-111 11 11', 'Fel väg 1', '11111', 'Felby', '2020-01-01')].join('\r\n'),
      );
      expect(first.run).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1, rejected: 0 } });
      expect(first.items.filter((i) => i.code === 'FIELD_OWNED_BY_OTHER_SOURCE')).toEqual([
        expect.objectContaining({ kind: 'NOTED', row: 2, message: expect.stringContaining(address) }),
      ]);

      const second = await run(
        address,
        [headers.join(';'), row('Olle', 'Ägare', owner, 'olle@adress.se', '070-222 22 22', 'Rätt väg 2', '22222', 'Rättvik', '2020-01-01')].join('\r\n'),
      );
      expect(second.run).toMatchObject({ status: 'SUCCEEDED', counts: { updated: 1, rejected: 0 } });
      expect(second.items.filter((i) => i.code === 'FIELD_OWNED_BY_OTHER_SOURCE').map((i) => [i.kind, i.row, i.message])).toEqual([
        ['NOTED', 2, expect.stringContaining(contact)],
        ['NOTED', 2, expect.stringContaining(contact)],
      ]);

      expect(await personByPnr(owner)).toMatchObject({
        email: 'olle@kontakt.se',
        phone: '+46701111111',
        address: { street: 'Rätt väg 2', postalCode: '22222', city: 'Rättvik' },
      });
    });
  });
});
