import { PassThrough, Readable } from 'node:stream';
import type { Person } from '@stafett/contracts';
import { readMemberFile, type MemberRecordMessage } from '../read/read-member-file';
import { ORGANISATION_ID, options } from '../test/member-files';
import { writeMemberFile, type MemberFileFormat } from './write-member-file';

const OTHER_CLUB = 'bbbbbbbb-0000-4000-8000-000000000002';

const anna: Person = {
  id: '8d7c6b5a-4d3c-4b2a-9f1e-0d9c8b7a6f5e',
  personalIdentityNumber: '199001011234',
  firstName: 'Anna',
  lastName: 'Åberg',
  birthDate: '1990-01-01',
  sex: 'FEMALE',
  address: { street: 'Storgatan 1', postalCode: '12345', city: 'Malmö', countryCode: 'SE' },
  email: 'anna@example.se',
  phone: '+46701234567',
  status: 'ACTIVE',
  memberships: [
    { organisationId: OTHER_CLUB, from: '2010-01-01', to: null },
    { organisationId: ORGANISATION_ID, from: '2020-01-15', to: null },
  ],
  guardians: [],
  disability: false,
  externalIds: [{ system: 'member-file:club', id: '101' }],
};
const bo: Person = {
  ...anna,
  id: '9d7c6b5a-4d3c-4b2a-9f1e-0d9c8b7a6f5f',
  personalIdentityNumber: null,
  firstName: 'Bo',
  lastName: 'Öst',
  birthDate: '2010-01-01',
  sex: 'UNKNOWN',
  address: null,
  email: null,
  phone: null,
  memberships: [{ organisationId: ORGANISATION_ID, from: '2021-03-01', to: null }],
  externalIds: [{ system: 'member-file:club', id: '102' }],
};
/** A former member: not in the register. */
const former: Person = { ...anna, id: 'ad7c6b5a-4d3c-4b2a-9f1e-0d9c8b7a6f50', memberships: [{ organisationId: ORGANISATION_ID, from: '2000-01-01', to: '2005-01-01' }] };

async function exported(format: MemberFileFormat): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const n = await writeMemberFile(Readable.from([anna, bo, former]), format, out, { organisationId: ORGANISATION_ID, sourceSystem: 'member-file:club', asOf: '2026-11-30' });
  expect(n).toBe(2);
  return Buffer.concat(chunks);
}

async function reimport(name: string, bytes: Buffer): Promise<MemberRecordMessage[]> {
  const out: MemberRecordMessage[] = [];
  for await (const m of readMemberFile({ name, stream: Readable.from([bytes]) }, undefined, options({ requiredColumns: ['firstName', 'lastName'] })))
    if (m.kind === 'record') out.push(m);
    else expect(m.kind).toBe('state');
  return out;
}

describe(writeMemberFile.name, () => {
  it('should write a csv that Swedish Excel opens: UTF-8 with BOM, ";" and the Swedish headers', async () => {
    const text = (await exported('csv')).toString('utf8');
    expect(text.startsWith('\ufeffMedlemsnummer;Förnamn;Efternamn;Personnummer;Födelsedatum;Kön;E-post;Mobil;Gatuadress;Postnummer;Ort;Land;Medlem sedan\r\n')).toBe(true);
    expect(text).toContain('101;Anna;Åberg;19900101-1234;1990-01-01;Kvinna;anna@example.se;+46701234567;Storgatan 1;12345;Malmö;SE;2020-01-15\r\n');
  });

  it.each(['xlsx', 'csv'] as const)('should read back from .%s exactly what the register holds, so a re-import changes nothing', async (format) => {
    const records = await reimport(`medlemmar.${format}`, await exported(format));
    expect(records.map((r) => [r.externalId, r.payload])).toEqual([
      [
        '101',
        {
          personalIdentityNumber: '199001011234',
          firstName: 'Anna',
          lastName: 'Åberg',
          birthDate: '1990-01-01',
          sex: 'FEMALE',
          email: 'anna@example.se',
          phone: '+46701234567',
          address: { street: 'Storgatan 1', postalCode: '12345', city: 'Malmö', countryCode: 'SE' },
          memberships: [{ organisation: { id: ORGANISATION_ID }, from: '2020-01-15', to: null }],
        },
      ],
      ['102', { firstName: 'Bo', lastName: 'Öst', birthDate: '2010-01-01', memberships: [{ organisation: { id: ORGANISATION_ID }, from: '2021-03-01', to: null }] }],
    ]);
    expect(records.every((r) => r.notes === undefined)).toBe(true);
  });
});
