import Ajv2020 from 'ajv/dist/2020';
import { Readable } from 'node:stream';
import type { ConnectorAgreement } from '@stafett/contracts';
import type { ConnectorContext, ProgressUpdate, SourceMessage } from '@stafett/connector-sdk';
import { MemberFileRefusedError } from '../member-file-codes';
import { MemberFileConnector, type MemberFileConfig } from './member-file.connector';

const ORGANISATION_ID = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';
const agreement: ConnectorAgreement = {
  connectorId: 'klubben-medlemmar',
  revision: 1,
  connectorType: 'member-file',
  name: 'Klubbens medlemsregister',
  organisationId: ORGANISATION_ID,
  direction: 'IMPORT',
  sourceSystem: 'member-file:klubben',
  entities: [{ entity: 'person' }],
  schedule: { kind: 'MANUAL' },
  updatedAt: new Date(0),
};

function context(config: MemberFileConfig = {}, over: Partial<ConnectorAgreement> = {}): ConnectorContext<MemberFileConfig> & { updates: ProgressUpdate[] } {
  const updates: ProgressUpdate[] = [];
  return { agreement: { ...agreement, ...over }, config, signal: new AbortController().signal, progress: (u) => updates.push(u), updates };
}

const file = (text: string, name = 'medlemmar.csv') => ({ name, stream: Readable.from([Buffer.from(text, 'utf8')]) });

async function collect(it: AsyncIterable<SourceMessage>): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of it) out.push(m);
  return out;
}

describe(MemberFileConnector.name, () => {
  const sut = new MemberFileConnector(Buffer.from('test key'));

  it('should declare a file-taking import connector whose config schema is valid JSON Schema', () => {
    const spec = sut.spec();
    expect(spec).toMatchObject({ type: 'member-file', acceptsFile: true, directions: ['IMPORT'] });
    const validate = new Ajv2020({ strict: true }).compile(spec.configSchema);
    expect(validate({ columns: { Tilltalsnamn: 'firstName' }, requiredColumns: ['firstName', 'lastName'] })).toBe(true);
  });

  it('should reject a config that maps a column to an unknown field, naming it', () => {
    const validate = new Ajv2020().compile(sut.spec().configSchema);
    expect(validate({ columns: { Tilltalsnamn: 'nickname' } })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/columns/Tilltalsnamn', keyword: 'enum' });
    expect(validate({ colums: {} })).toBe(false);
  });

  it('should check that the agreement imports persons', async () => {
    await expect(sut.check(context())).resolves.toMatchObject({ ok: true });
    await expect(sut.check(context({}, { direction: 'EXPORT' }))).resolves.toEqual({ ok: false, message: 'A member file only imports: direction must be IMPORT, not EXPORT.' });
  });

  it('should discover one resumable stream of persons', async () => {
    await expect(sut.discover()).resolves.toEqual([expect.objectContaining({ name: 'members', entity: 'person', resumable: true })]);
  });

  it("should read the file into person records of the agreement's organisation, with progress", async () => {
    const ctx = context();
    const messages = await collect(sut.read(ctx, {}, { file: file('Förnamn;Efternamn;Personnummer;Medlem sedan\nAnna;Berg;900101-1234;2020-01-15\n'), asOf: '2026-11-30' }));
    expect(messages[0]).toMatchObject({
      kind: 'record',
      externalId: expect.stringMatching(/^pnr:[0-9a-f]{32}$/),
      payload: { personalIdentityNumber: '199001011234', memberships: [{ organisation: { id: ORGANISATION_ID }, from: '2020-01-15', to: null }] },
      notes: [{ code: 'PERSONNUMMER_CENTURY_ADDED', field: 'personalIdentityNumber' }],
    });
    expect(messages.at(-1)).toMatchObject({ kind: 'state', stream: 'members', state: { rowsDone: 2 } });
    expect(ctx.updates.at(-1)).toMatchObject({ stream: 'members', read: 1, bytesRead: ctx.updates.at(-1)?.totalBytes });
  });

  it("should use the agreement's column mapping", async () => {
    const messages = await collect(sut.read(context({ columns: { Tilltal: 'firstName' } }), {}, { file: file('Tilltal;Efternamn;Personnummer\nAnna;Berg;199001011234\n') }));
    expect(messages[0]).toMatchObject({ kind: 'record', payload: { firstName: 'Anna' } });
  });

  it('should refuse a file without the required columns before sending anything', async () => {
    await expect(collect(sut.read(context(), {}, { file: file('Förnamn\nAnna\n') }))).rejects.toThrow(MemberFileRefusedError);
  });

  it('should refuse a run without a file', async () => {
    await expect(collect(sut.read(context(), {}, {}))).rejects.toThrow('A member-file run needs the file');
  });
});
