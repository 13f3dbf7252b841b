/**
 * The member file through the platform's public surface, before the connector runtime exists: the
 * reader's records go in through POST /v1/imports (as the runtime will produce them), the export
 * reads GET /v1/persons. Shows that a club's file keeps the person's memberships of other clubs,
 * and that export → re-import of the register changes nothing (every record UNCHANGED: no event).
 */
import type { INestApplication } from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import request from 'supertest';
import { luhnCheckDigit } from '@stafett/domain';
import { PersonsClient, readMemberFile, writeMemberFile, type MemberFileMessage } from '@stafett/member-file';
import { validPerson } from '@stafett/person/testing';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { createApp } from './create-app';

interface Result {
  externalId: string;
  outcome: string;
  entityId: string | null;
  reasons: { code: string; field?: string | null; message: string }[];
}

function orgnr(): string {
  const nine = `802${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

describe('member file through the platform', () => {
  const adminKey = `stf_${uniqueId('memberfile-admin').replace(/[^A-Za-z0-9_-]/g, '')}`;
  const system = uniqueId('org').replace(/[^A-Za-z0-9_-]/g, '');
  const fileSystem = `member-file-${system}`;
  let app: INestApplication;
  let baseUrl: string;
  const http = () => request(app.getHttpServer());
  const ids: Record<string, string> = {};

  async function importAll(source: string, records: { entityType: string; externalId: string; payload?: unknown }[]): Promise<Map<string, Result>> {
    const res = await http()
      .post('/v1/imports')
      .set('authorization', `Bearer ${adminKey}`)
      .send({ source: { system: source }, records: records.map((r) => ({ op: 'UPSERT', ...r })) })
      .expect(202);
    const report = await waitFor(
      `batch ${res.body.batchId as string}`,
      async () => {
        const got = await http()
          .get(`/v1/imports/${res.body.batchId as string}`)
          .set('authorization', `Bearer ${adminKey}`);
        return got.body.status === 'DONE' ? (got.body as { results: Result[] }) : undefined;
      },
      60_000,
      200,
    );
    return new Map(report.results.map((r) => [r.externalId, r]));
  }

  /** What the connector would send: the file's records as import records. */
  async function fileRecords(name: string, bytes: Buffer, organisationId: string): Promise<{ entityType: string; externalId: string; payload: unknown }[]> {
    const out: { entityType: string; externalId: string; payload: unknown }[] = [];
    const messages: MemberFileMessage[] = [];
    for await (const m of readMemberFile({ name, stream: Readable.from([bytes]) }, undefined, { organisationId, asOf: '2026-11-30', externalIdKey: Buffer.from('it key') }))
      messages.push(m);
    expect(messages.filter((m) => m.kind === 'rejected')).toEqual([]);
    for (const m of messages) if (m.kind === 'record') out.push({ entityType: 'person', externalId: m.externalId, payload: m.payload });
    return out;
  }

  beforeAll(async () => {
    app = await createApp(testConfig({ STAFETT_ADMIN_API_KEY: adminKey, STAFETT_REFERENCE_WAIT_MS: '30000' }));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor('ready', async () => ((await http().get('/health/ready')).status === 200 ? true : undefined), 60_000, 250);
    const ref = (externalId: string) => ({ system, externalId });
    const orgs = await importAll(system, [
      { entityType: 'organisation', externalId: 'fed', payload: { type: 'FEDERATION', name: 'Förbundet', organisationNumber: orgnr() } },
      { entityType: 'organisation', externalId: 'district', payload: { type: 'DISTRICT', name: 'Distriktet', parent: ref('fed') } },
      { entityType: 'organisation', externalId: 'club-a', payload: { type: 'CLUB', name: 'Klubb A', parent: ref('district'), municipalityCode: '0180' } },
      { entityType: 'organisation', externalId: 'club-b', payload: { type: 'CLUB', name: 'Klubb B', parent: ref('district'), municipalityCode: '1480' } },
    ]);
    for (const k of ['club-a', 'club-b']) ids[k] = orgs.get(k)!.entityId!;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it("should import a club's file keeping the person's membership of another club, and re-import its export without a change", async () => {
    const [p0, p1, p2] = [validPerson(0), validPerson(1), validPerson(2)];
    // p0 is already a member of club B (another club's system).
    const before = await importAll(`${system}-b`, [
      { entityType: 'person', externalId: 'b-0', payload: { ...p0, memberships: [{ organisation: { id: ids['club-b'] }, from: '2015-01-01' }] } },
    ]);
    expect(before.get('b-0')).toMatchObject({ outcome: 'CREATED' });

    const pnr10 = (p: string) => `${p.slice(2, 8)}-${p.slice(8)}`;
    const rows = [
      ['Medlemsnummer', 'Förnamn', 'Efternamn', 'Personnummer', 'E-post', 'Adress', 'Postnummer', 'Ort', 'Medlem sedan'],
      ...[p0, p1, p2].map((p, i) => [
        `A${i}`,
        p.firstName!,
        p.lastName!,
        i === 2 ? pnr10(p.personalIdentityNumber!) : p.personalIdentityNumber!,
        p.email ?? '',
        p.address?.street ?? '',
        p.address?.postalCode ?? '',
        p.address?.city ?? '',
        '2020-01-15',
      ]),
    ];
    const file = Buffer.from(rows.map((r) => r.join(';')).join('\r\n'), 'utf8');
    const first = await importAll(fileSystem, await fileRecords('medlemmar.csv', file, ids['club-a']));
    expect([...first.values()].map((r) => [r.externalId, r.outcome, r.reasons])).toEqual([
      ['A0', 'UPDATED', []],
      ['A1', 'CREATED', []],
      ['A2', 'CREATED', []],
    ]);
    const p0Now = await http()
      .get(`/v1/persons/${first.get('A0')!.entityId}`)
      .set('authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect((p0Now.body as { memberships: { organisationId: string }[] }).memberships.map((m) => m.organisationId)).toEqual([ids['club-b'], ids['club-a']]);

    for (const format of ['xlsx', 'csv'] as const) {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      const persons = new PersonsClient({ baseUrl, apiKey: adminKey }).persons(ids['club-a'], 2);
      expect(await writeMemberFile(persons, format, out, { organisationId: ids['club-a'], sourceSystem: fileSystem, asOf: '2026-11-30' })).toBe(3);
      const again = await importAll(fileSystem, await fileRecords(`export.${format}`, Buffer.concat(chunks), ids['club-a']));
      expect([...again.values()].map((r) => [r.externalId, r.outcome])).toEqual([
        ['A0', 'UNCHANGED'],
        ['A1', 'UNCHANGED'],
        ['A2', 'UNCHANGED'],
      ]);
    }
  }, 180_000);
});
