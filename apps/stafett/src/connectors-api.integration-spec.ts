/**
 * The connector management API (`/v1/connectors`, issue 11) through the all-in-one app, on the real
 * broker and Postgres, with the SDK's test-only JSON-lines person connector hosted: a user creates a
 * connector from an agreement, runs it with a file, follows the run, downloads its report; pause,
 * resume, reset; organisation subtrees of scoped keys; and what a hostile or careless client sends.
 */
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { CheckResult, ConnectorContext, ConnectorSpec, SourceConnector, SourceMessage, StreamDescriptor } from '@stafett/connector-sdk';
import { JsonLinesPersonsConnector, personRecord, type AcceptancePerson } from '@stafett/connector-sdk/testing';
import { ConnectorScheduler } from '@stafett/connectors';
import { luhnCheckDigit, makePersonnummer } from '@stafett/domain';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { createApp } from './create-app';

const MAX_FILE_BYTES = 64 * 1024;

function orgnr(): string {
  const nine = `802${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

interface Problem {
  status: number;
  detail?: string;
  errors?: { field: string; code: string; message: string }[];
}
interface RunView {
  runId: string;
  status: string;
  counts: Record<string, number>;
  error?: { code: string };
}

/** A person line of the test connector's file (valid, unique). */
function personLine(tag: string, i: number): string {
  const birthDate = `19${70 + (i % 20)}-0${1 + (i % 9)}-1${i % 9}`;
  return JSON.stringify({
    externalId: `${tag}-${i}`,
    personalIdentityNumber: makePersonnummer({ birthDate, sex: i % 2 ? 'MALE' : 'FEMALE', serial: randomInt(500) }),
    firstName: `Förnamn${i}`,
    lastName: `Efternamn${tag}`,
    birthDate,
    email: `p${i}.${tag}@example.se`,
  });
}

/** A test-only source that reads no file: the persons its agreement's config lists (so it can run on a schedule). */
class ConfigPersonsConnector implements SourceConnector<{ persons: string[] }> {
  spec(): ConnectorSpec {
    return {
      type: 'config-persons',
      title: 'Persons from the config (test)',
      description: 'Persons as JSON strings in the config; for the scheduler.',
      directions: ['IMPORT'],
      configSchema: { type: 'object', additionalProperties: false, required: ['persons'], properties: { persons: { type: 'array', items: { type: 'string' } } } },
    };
  }

  async check(): Promise<CheckResult> {
    return { ok: true, message: 'Reads its config.' };
  }

  async discover(): Promise<readonly StreamDescriptor[]> {
    return [{ name: 'persons', entity: 'person', fields: ['personalIdentityNumber', 'firstName', 'lastName', 'birthDate', 'email', 'memberships'], resumable: false }];
  }

  async *read(context: ConnectorContext<{ persons: string[] }>): AsyncIterable<SourceMessage> {
    let row = 0;
    for (const text of context.config.persons) {
      row++;
      yield personRecord(JSON.parse(text) as AcceptancePerson, context.agreement.organisationId, { label: `person ${row}`, row });
    }
  }
}

describe('/v1/connectors in the all-in-one app', () => {
  const adminKey = `stf_${uniqueId('connapi-admin').replace(/[^A-Za-z0-9_-]/g, '')}`;
  const system = uniqueId('connapi-src').replace(/[^A-Za-z0-9_-]/g, '');
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const as = (key: string) => (r: request.Test) => r.set('authorization', `Bearer ${key}`);
  const admin = as(adminKey);
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const tag = randomUUID().slice(0, 8);
  const cid = (name: string) => `${name}-${tag}`;

  const agreement = (connectorId: string, organisationId: string, over: Record<string, unknown> = {}) => ({
    connectorId,
    connectorType: 'json-lines-persons',
    name: 'Medlemsfilen',
    organisationId,
    direction: 'IMPORT',
    sourceSystem: `file-${connectorId}`,
    entities: [{ entity: 'person', matchKeys: ['externalId', 'personalIdentityNumber'] }],
    config: { checkpointEvery: 2 },
    ...over,
  });

  /** The file of a run: three persons and, on line 3, a line that is not JSON. */
  const file = Buffer.from([personLine(tag, 1), personLine(tag, 2), 'inte json', personLine(tag, 3), ''].join('\n'));

  const startRun = (key: string, connectorId: string, body: Buffer = file, contentType = 'application/x-ndjson') =>
    as(key)(http().post(`/v1/connectors/${connectorId}/runs?filename=medlemmar.jsonl`))
      .set('content-type', contentType)
      .send(body);

  const finished = (connectorId: string, runId: string) =>
    waitFor(
      `run ${runId}`,
      async () => {
        const got = await admin(http().get(`/v1/connectors/${connectorId}/runs/${runId}`)).expect(200);
        return (got.body as RunView).status === 'RUNNING' ? undefined : (got.body as RunView);
      },
      90_000,
      250,
    );

  const newKey = async (name: string, roles: string[], organisationId?: string) =>
    (
      (
        await admin(http().post('/v1/api-keys'))
          .send({ name, roles, ...(organisationId ? { organisationId } : {}) })
          .expect(201)
      ).body as { key: string }
    ).key;

  beforeAll(async () => {
    app = await createApp(testConfig({ STAFETT_ADMIN_API_KEY: adminKey, STAFETT_CONNECTOR_MAX_FILE_BYTES: String(MAX_FILE_BYTES) }), {
      connectors: [JsonLinesPersonsConnector, ConfigPersonsConnector],
    });
    await app.init();
    await waitFor('ready', async () => ((await http().get('/health/ready')).status === 200 ? true : undefined), 60_000, 250);
    const ref = (externalId: string) => ({ system, externalId });
    const orgs = [
      { externalId: 'fed', payload: { type: 'FEDERATION', name: 'Förbundet', organisationNumber: orgnr() } },
      { externalId: 'district', payload: { type: 'DISTRICT', name: 'Distriktet', parent: ref('fed') } },
      { externalId: 'club-a', payload: { type: 'CLUB', name: 'Klubb A', parent: ref('district') } },
      { externalId: 'club-b', payload: { type: 'CLUB', name: 'Klubb B', parent: ref('district') } },
    ];
    const submitted = await admin(http().post('/v1/imports'))
      .send({ source: { system }, records: orgs.map((o) => ({ entityType: 'organisation', op: 'UPSERT', ...o })) })
      .expect(202);
    const report = await waitFor(
      'the organisations',
      async () => {
        const got = await admin(http().get(`/v1/imports/${submitted.body.batchId as string}`));
        return got.body.status === 'DONE' ? (got.body as { results: { externalId: string; outcome: string; entityId: string }[] }) : undefined;
      },
      60_000,
      200,
    );
    for (const r of report.results) {
      expect(r).toMatchObject({ outcome: 'CREATED' });
      ids[r.externalId] = r.entityId;
    }
    keys['read'] = await newKey('reader', ['read']);
    keys['club-a'] = await newKey('klubb-a', ['read', 'import'], ids['club-a']);
    keys['club-b'] = await newKey('klubb-b', ['read', 'import'], ids['club-b']);
    keys['district'] = await newKey('distriktet', ['read', 'import'], ids['district']);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  describe('a connector on a schedule', () => {
    it('should start a CRON connector at its time in Europe/Stockholm, once, and not before', async () => {
      const connectorId = cid('nightly');
      const persons = [personLine(`${tag}n`, 1), personLine(`${tag}n`, 2)];
      await admin(http().post('/v1/connectors'))
        .send(agreement(connectorId, ids['club-a'], { connectorType: 'config-persons', config: { persons }, schedule: { kind: 'CRON', cron: '0 3 * * *' } }))
        .expect(201);
      const scheduler = app.get(ConnectorScheduler);
      // 02:59 in Stockholm (UTC+1 in winter): not yet.
      expect(await scheduler.tick(new Date('2026-12-01T01:59:00Z'))).not.toContain(connectorId);
      expect((await admin(http().get(`/v1/connectors/${connectorId}`)).expect(200)).body.lastRun).toBeNull();
      // 03:00:30: due, started once.
      expect(await scheduler.tick(new Date('2026-12-01T02:00:30Z'))).toContain(connectorId);
      expect(await scheduler.tick(new Date('2026-12-01T02:01:00Z'))).not.toContain(connectorId);
      const status = await waitFor(
        'the scheduled run to end',
        async () => {
          const got = (await admin(http().get(`/v1/connectors/${connectorId}`)).expect(200)).body as { lastRun: RunView | null };
          return got.lastRun && got.lastRun.status !== 'RUNNING' ? got.lastRun : undefined;
        },
        90_000,
        250,
      );
      expect(status).toMatchObject({ status: 'SUCCEEDED', counts: expect.objectContaining({ created: 2, rejected: 0 }) });
      // The app's own scheduler runs on the real clock: paused, the connector does not start again
      // when the real time passes its next 03:00 during the rest of the suite.
      await admin(http().post(`/v1/connectors/${connectorId}/pause`)).expect(200);
    });

    it('should refuse a schedule other than MANUAL for a connector that reads an uploaded file (422 naming schedule.kind)', async () => {
      const res = await admin(http().post('/v1/connectors'))
        .send(agreement(cid('file-on-cron'), ids['club-a'], { schedule: { kind: 'CRON', cron: '0 3 * * *' } }))
        .expect(422);
      expect((res.body as Problem).errors).toEqual([expect.objectContaining({ field: 'schedule.kind' })]);
    });
  });

  describe('a user running a connector', () => {
    const connectorId = cid('medlemmar');
    let firstRun: string;

    it('should create a connector from an agreement, list it, and show its status', async () => {
      const created = await admin(http().post('/v1/connectors')).send(agreement(connectorId, ids['club-a'])).expect(201);
      expect(created.body).toMatchObject({ connectorId, state: 'RUNNING', lastRun: null, agreement: { revision: 1, organisationId: ids['club-a'], schedule: { kind: 'MANUAL' } } });
      const again = await admin(http().post('/v1/connectors')).send(agreement(connectorId, ids['club-a'])).expect(409);
      expect((again.body as Problem).detail).toContain(connectorId);
      const list = await admin(http().get('/v1/connectors')).expect(200);
      expect((list.body as { items: { connectorId: string }[] }).items).toEqual(
        expect.arrayContaining([expect.objectContaining({ connectorId, connectorType: 'json-lines-persons', state: 'RUNNING' })]),
      );
      const status = await admin(http().get(`/v1/connectors/${connectorId}`)).expect(200);
      expect(status.body).toMatchObject({ connectorId, totals: { recordsIn: 0, recordsOut: 0, rejected: 0 }, errors: [] });
    });

    it('should run it with a file, reach SUCCEEDED with the counts, and give the report as JSON, CSV and XLSX', async () => {
      const started = await startRun(adminKey, connectorId).expect(202);
      firstRun = (started.body as { runId: string }).runId;
      const run = await finished(connectorId, firstRun);
      expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { created: 3, rejected: 1, updated: 0, unchanged: 0 } });

      const json = await admin(http().get(`/v1/connectors/${connectorId}/runs/${firstRun}/report`)).expect(200);
      expect(json.body).toEqual({
        runId: firstRun,
        status: 'SUCCEEDED',
        items: [expect.objectContaining({ kind: 'REJECTED', row: 3, position: 'line 3', code: 'INVALID_FORMAT' })],
      });

      const csv = await admin(http().get(`/v1/connectors/${connectorId}/runs/${firstRun}/report?format=csv`))
        .buffer(true)
        .expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain(`${connectorId}-${firstRun}.csv`);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      expect(lines[0]).toBe('kind,row,position,column,code,message,externalId');
      expect(lines.slice(1)).toEqual([expect.stringMatching(/^REJECTED,3,line 3,,INVALID_FORMAT,/)]);

      const xlsx = await admin(http().get(`/v1/connectors/${connectorId}/runs/${firstRun}/report?format=xlsx`))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as ArrayBuffer);
      const rows = (workbook.getWorksheet('Report')!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
      expect(rows[0]).toEqual(['kind', 'row', 'position', 'column', 'code', 'message', 'externalId']);
      expect(rows.slice(1)).toEqual([expect.arrayContaining(['REJECTED', 3, 'line 3', 'INVALID_FORMAT'])]);

      const status = await admin(http().get(`/v1/connectors/${connectorId}`)).expect(200);
      expect(status.body).toMatchObject({ state: 'RUNNING', lastRun: { runId: firstRun, status: 'SUCCEEDED' } });
    });

    it('should refuse a run while paused with 409, and run again once resumed (only what its saved state does not cover)', async () => {
      const paused = await admin(http().post(`/v1/connectors/${connectorId}/pause`)).expect(200);
      expect(paused.body).toMatchObject({ state: 'PAUSED' });
      const refused = await startRun(adminKey, connectorId).expect(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((refused.body as Problem).detail).toMatch(/paused.*resume/i);
      expect((await admin(http().get(`/v1/connectors/${connectorId}`)).expect(200)).body).toMatchObject({ state: 'PAUSED', lastRun: { runId: firstRun } });

      expect((await admin(http().post(`/v1/connectors/${connectorId}/resume`)).expect(200)).body).toMatchObject({ state: 'RUNNING' });
      const started = await startRun(adminKey, connectorId).expect(202);
      const run = await finished(connectorId, (started.body as { runId: string }).runId);
      // The saved state covers the whole file: nothing is sent again.
      expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { sent: 0, created: 0, unchanged: 0 } });
    });

    it('should forget the saved state on reset: the next run sends everything again and gets UNCHANGED', async () => {
      await admin(http().post(`/v1/connectors/${connectorId}/reset`)).expect(200);
      const started = await startRun(adminKey, connectorId).expect(202);
      const run = await finished(connectorId, (started.body as { runId: string }).runId);
      expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { sent: 3, created: 0, updated: 0, unchanged: 3, rejected: 1 } });
    });

    it('should replace the agreement with PUT (a new revision) and delete the connector', async () => {
      const put = await admin(http().put(`/v1/connectors/${connectorId}`))
        .send(agreement(connectorId, ids['club-a'], { name: 'Medlemsfilen 2026' }))
        .expect(200);
      expect(put.body).toMatchObject({ agreement: { name: 'Medlemsfilen 2026', revision: 2 } });
      const other = cid('borttagen');
      await admin(http().post('/v1/connectors')).send(agreement(other, ids['club-a'])).expect(201);
      await admin(http().delete(`/v1/connectors/${other}`)).expect(204);
      await admin(http().get(`/v1/connectors/${other}`)).expect(404);
      const list = await admin(http().get('/v1/connectors')).expect(200);
      expect((list.body as { items: { connectorId: string }[] }).items.map((i) => i.connectorId)).not.toContain(other);
    });
  });

  describe('organisation subtrees of scoped keys', () => {
    const ofClubA = cid('klubb-a-fil');
    const ofClubB = cid('klubb-b-fil');

    beforeAll(async () => {
      await admin(http().post('/v1/connectors')).send(agreement(ofClubA, ids['club-a'])).expect(201);
    });

    it("should let a district key see and run its clubs' connectors and create one for a club below it", async () => {
      const listed = await waitFor(
        "the district's subtree",
        async () => {
          const got = await as(keys['district'])(http().get('/v1/connectors')).expect(200);
          const items = (got.body as { items: { connectorId: string }[] }).items.map((i) => i.connectorId);
          return items.includes(ofClubA) ? items : undefined;
        },
        60_000,
        250,
      );
      expect(listed).toContain(ofClubA);
      await as(keys['district'])(http().get(`/v1/connectors/${ofClubA}`)).expect(200);
      await as(keys['district'])(http().post('/v1/connectors')).send(agreement(ofClubB, ids['club-b'])).expect(201);
      const started = await startRun(keys['district'], ofClubB).expect(202);
      expect(await finished(ofClubB, (started.body as { runId: string }).runId)).toMatchObject({ status: 'SUCCEEDED' });
    });

    it('should not let a club key create a connector for its parent or a sibling, nor see theirs', async () => {
      for (const organisationId of [ids['district'], ids['club-b']]) {
        const res = await as(keys['club-a'])(http().post('/v1/connectors'))
          .send(agreement(cid('utanfor'), organisationId))
          .expect(422);
        expect((res.body as Problem).errors).toEqual([expect.objectContaining({ field: 'organisationId', code: 'OUT_OF_SCOPE' })]);
      }
      const own = await as(keys['club-a'])(http().get('/v1/connectors')).expect(200);
      const items = (own.body as { items: { connectorId: string; organisationId: string }[] }).items;
      expect(items.map((i) => i.connectorId)).toContain(ofClubA);
      expect(items.every((i) => i.organisationId === ids['club-a'])).toBe(true);
      await as(keys['club-a'])(http().get(`/v1/connectors/${ofClubB}`)).expect(404);
    });

    it("should answer 404 to another club's key on every route of a connector, and change nothing", async () => {
      const b = as(keys['club-b']);
      const runs = await admin(http().get(`/v1/connectors/${cid('medlemmar')}`)).expect(200);
      const runId = (runs.body as { lastRun: { runId: string } }).lastRun.runId;
      const id = cid('medlemmar');
      const answers = [
        await b(http().get(`/v1/connectors/${id}`)),
        await b(http().put(`/v1/connectors/${id}`)).send(agreement(id, ids['club-b'])),
        await b(http().delete(`/v1/connectors/${id}`)),
        await b(http().post(`/v1/connectors/${id}/pause`)),
        await b(http().post(`/v1/connectors/${id}/resume`)),
        await b(http().post(`/v1/connectors/${id}/reset`)),
        await startRun(keys['club-b'], id),
        await b(http().get(`/v1/connectors/${id}/runs/${runId}`)),
        await b(http().get(`/v1/connectors/${id}/runs/${runId}/report?format=csv`)),
      ];
      expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(404));
      for (const a of answers) expect((a.body as Problem).detail).toBe('No connector with this id.');
      const after = await admin(http().get(`/v1/connectors/${id}`)).expect(200);
      expect(after.body).toMatchObject({ state: 'RUNNING', lastRun: { runId }, agreement: { organisationId: ids['club-a'], revision: 2 } });
      const listed = await b(http().get('/v1/connectors')).expect(200);
      expect((listed.body as { items: { connectorId: string }[] }).items.map((i) => i.connectorId)).not.toContain(id);
    });
  });

  describe('what a hostile or careless client sends', () => {
    const id = cid('fientlig');
    const someRun = randomUUID();

    beforeAll(async () => {
      await admin(http().post('/v1/connectors')).send(agreement(id, ids['club-a'])).expect(201);
    });

    const routes = (): [string, () => request.Test][] => [
      ['list', () => http().get('/v1/connectors')],
      [
        'create',
        () =>
          http()
            .post('/v1/connectors')
            .send(agreement(cid('ny'), ids['club-a'])),
      ],
      ['status', () => http().get(`/v1/connectors/${id}`)],
      ['put', () => http().put(`/v1/connectors/${id}`).send(agreement(id, ids['club-a']))],
      ['delete', () => http().delete(`/v1/connectors/${id}`)],
      ['pause', () => http().post(`/v1/connectors/${id}/pause`)],
      ['resume', () => http().post(`/v1/connectors/${id}/resume`)],
      ['reset', () => http().post(`/v1/connectors/${id}/reset`)],
      ['run', () => http().post(`/v1/connectors/${id}/runs`).set('content-type', 'text/plain').send('x')],
      ['run status', () => http().get(`/v1/connectors/${id}/runs/${someRun}`)],
      ['report', () => http().get(`/v1/connectors/${id}/runs/${someRun}/report`)],
    ];

    it('should answer 401 without a key on every route', async () => {
      const answers = await Promise.all(routes().map(async ([name, send]) => [name, (await send()).status]));
      expect(answers).toEqual(routes().map(([name]) => [name, 401]));
    });

    it('should answer 403 to a read key that writes, and let it read', async () => {
      const reader = as(keys['read']);
      const answers: [string, number][] = [];
      for (const [name, send] of routes()) answers.push([name, (await reader(send())).status]);
      expect(answers).toEqual([
        ['list', 200],
        ['create', 403],
        ['status', 200],
        ['put', 403],
        ['delete', 403],
        ['pause', 403],
        ['resume', 403],
        ['reset', 403],
        ['run', 403],
        ['run status', 404],
        ['report', 404],
      ]);
      await admin(http().get(`/v1/connectors/${id}`)).expect(200);
    });

    it('should answer 404 for a NUL or a personnummer where a connector id belongs, echoing neither', async () => {
      const pnr = makePersonnummer({ birthDate: '1985-04-12', sex: 'FEMALE', serial: randomInt(500) });
      for (const bad of [`${id}%00`, pnr, `${pnr.slice(0, 8)}-${pnr.slice(8)}`]) {
        for (const path of [`/v1/connectors/${bad}`, `/v1/connectors/${bad}/runs/${someRun}`, `/v1/connectors/${bad}/pause`]) {
          const res = path.endsWith('pause') ? await admin(http().post(path)) : await admin(http().get(path));
          expect([path, res.status]).toEqual([path, 404]);
          expect(res.text).not.toContain(pnr.slice(2, 8));
        }
      }
      const asId = await admin(http().post('/v1/connectors')).send(agreement(pnr, ids['club-a'])).expect(422);
      expect((asId.body as Problem).errors).toEqual([expect.objectContaining({ field: 'connectorId' })]);
      expect(asId.text).not.toContain(pnr.slice(2, 8));
    });

    it('should answer 422 naming the field that holds a NUL, in the agreement and in its config', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'Klubb\u0000' }, 'name'],
        [{ sourceSystem: 'fil\u0000' }, 'sourceSystem'],
        [{ config: { checkpointEvery: 2, note: 'a\u0000b' } }, 'config.note'],
        [{ entities: [{ entity: 'person', fields: ['firstName\u0000'] }] }, 'entities[0].fields[0]'],
      ];
      for (const [over, field] of cases) {
        const res = await admin(http().post('/v1/connectors')).send(agreement(cid('nul'), ids['club-a'], over));
        expect([field, res.status]).toEqual([field, 422]);
        expect((res.body as Problem).errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      const put = await admin(http().put(`/v1/connectors/${id}`)).send(agreement(id, ids['club-a'], { name: 'x\u0000' }));
      expect(put.status).toBe(422);
      await admin(http().get(`/v1/connectors/${cid('nul')}`)).expect(404);
    });

    it('should answer 413 to an agreement of 20 MB and 400 to JSON nested 10,000 deep', async () => {
      const big = await admin(http().post('/v1/connectors')).send(agreement(cid('stor'), ids['club-a'], { name: 'x'.repeat(20 * 1024 * 1024) }));
      expect(big.status).toBe(413);
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const body = JSON.stringify(agreement(cid('djup'), ids['club-a'])).replace('"config":{', `"config":{"x":${deep},`);
      const nested = await admin(http().post('/v1/connectors')).set('content-type', 'application/json').send(body);
      expect(nested.status).toBe(400);
      await admin(http().get(`/v1/connectors/${cid('djup')}`)).expect(404);
    });

    it('should answer 422 naming the field for an unknown connector type and for fields the entity does not have', async () => {
      const type = await admin(http().post('/v1/connectors'))
        .send(agreement(cid('typ'), ids['club-a'], { connectorType: 'no-such-type' }))
        .expect(422);
      expect((type.body as Problem).errors).toEqual([expect.objectContaining({ field: 'connectorType', code: 'UNKNOWN_CONNECTOR_TYPE' })]);
      const fields = await admin(http().post('/v1/connectors'))
        .send(agreement(cid('falt'), ids['club-a'], { entities: [{ entity: 'person', fields: ['firstName', 'shoeSize'], ownedFields: ['firstName', 'name'] }] }))
        .expect(422);
      expect((fields.body as Problem).errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'entities[0].fields[1]', code: 'UNKNOWN_FIELD' }),
          expect.objectContaining({ field: 'entities[0].ownedFields[1]', code: 'UNKNOWN_FIELD' }),
        ]),
      );
      const config = await admin(http().post('/v1/connectors'))
        .send(agreement(cid('konf'), ids['club-a'], { config: { checkpointEvery: 0 } }))
        .expect(422);
      expect((config.body as Problem).errors).toEqual([expect.objectContaining({ field: 'config.checkpointEvery' })]);
    });

    it('should answer 413 to a file over the limit and 415 to a file sent as JSON, and start no run', async () => {
      const tooBig = await startRun(adminKey, id, Buffer.alloc(MAX_FILE_BYTES + 1, 'a')).expect(413);
      expect((tooBig.body as Problem).detail).toContain(String(MAX_FILE_BYTES));
      const asJson = await startRun(adminKey, id, Buffer.from(JSON.stringify({ persons: [] })), 'application/json').expect(415);
      expect((asJson.body as Problem).detail).toMatch(/Content-Type/);
      const notJson = await startRun(adminKey, id, file, 'application/json; charset=utf-8');
      expect([notJson.status, (notJson.body as Problem).detail]).toEqual([415, expect.stringMatching(/not as JSON/)]);
      const status = await admin(http().get(`/v1/connectors/${id}`)).expect(200);
      expect(status.body).toMatchObject({ lastRun: null, totals: { recordsIn: 0, recordsOut: 0 } });
    });
  });
});
