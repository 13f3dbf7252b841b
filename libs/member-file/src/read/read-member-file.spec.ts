import { MemberFileCode, MemberFileRefusedError } from '../member-file-codes';
import { ORGANISATION_ID, csv, readAll, records, rejections, xlsx } from '../test/member-files';
import { derivedExternalId } from '../index';
import { TEST_KEY } from '../test/member-files';
import { readMemberFile } from './read-member-file';

const SWEDISH = ['Medlemsnummer', 'Förnamn', 'Efternamn', 'Personnummer', 'Kön', 'E-post', 'Mobil', 'Adress', 'Postnummer', 'Ort', 'Medlem sedan'];
const anna = ['101', 'Anna', 'Åberg', '19900101-1234', 'K', 'anna@example.se', '070-123 45 67', 'Storgatan 1', '123 45', 'Malmö', '2020-01-15'];
const bo = ['102', 'Bo', 'Öst', '201001011234', 'M', '', '', '', '', '', '2021-03-01'];

async function refusal(name: string, bytes: Buffer): Promise<MemberFileRefusedError> {
  const error = await readAll(name, bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemberFileRefusedError);
  return error as MemberFileRefusedError;
}

describe(readMemberFile.name, () => {
  it('should read a Swedish csv into person records with a membership of the organisation', async () => {
    const messages = await readAll('medlemmar.csv', csv([SWEDISH, anna, bo]));
    expect(records(messages)).toEqual([
      {
        kind: 'record',
        stream: 'members',
        entity: 'person',
        externalId: '101',
        op: 'UPSERT',
        position: { label: 'row 2', row: 2 },
        payload: {
          personalIdentityNumber: '199001011234',
          firstName: 'Anna',
          lastName: 'Åberg',
          sex: 'FEMALE',
          email: 'anna@example.se',
          phone: '070-123 45 67',
          address: { street: 'Storgatan 1', postalCode: '12345', city: 'Malmö', countryCode: null },
          memberships: [{ organisation: { id: ORGANISATION_ID }, from: '2020-01-15', to: null }],
        },
      },
      expect.objectContaining({ externalId: '102', position: { label: 'row 3', row: 3 } }),
    ]);
    expect(messages.at(-1)).toEqual({ kind: 'state', stream: 'members', state: { fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), rowsDone: 3 } });
  });

  it('should read English headers and a comma-separated csv with a BOM', async () => {
    const messages = await readAll(
      'members.csv',
      csv(
        [
          ['First name', 'Last name', 'Personal identity number', 'Member since'],
          ['Anna', 'Berg', '199001011234', '2020-01-15'],
        ],
        'utf8bom',
        ',',
      ),
    );
    expect(records(messages)).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ firstName: 'Anna', lastName: 'Berg', personalIdentityNumber: '199001011234' }) }),
    ]);
  });

  it('should read å, ä and ö of a Windows-1252 csv', async () => {
    const messages = await readAll(
      'medlemmar.csv',
      csv([SWEDISH, anna, ['103', 'Märta', 'Öhrström', '19800202-2222', '', '', '', 'Ängsvägen 2', '', 'Västerås', '2019-01-01']], 'win1252'),
    );
    expect(records(messages).map((r) => [r.payload['firstName'], r.payload['lastName']])).toEqual([
      ['Anna', 'Åberg'],
      ['Märta', 'Öhrström'],
    ]);
  });

  it('should reject the rows of a Windows-1252 file that are UTF-8, naming the row and column', async () => {
    const win = csv([SWEDISH, anna], 'win1252');
    const utf8Row = Buffer.from(['104', 'Åsa', 'Ek', '19850303-3333', '', '', '', '', '', '', '2019-01-01'].join(';') + '\r\n', 'utf8');
    const messages = await readAll('blandat.csv', Buffer.concat([win, utf8Row]));
    expect(records(messages).map((r) => r.externalId)).toEqual(['101']);
    expect(rejections(messages)).toEqual([
      {
        kind: 'rejected',
        stream: 'members',
        position: { label: 'row 3', row: 3 },
        reasons: [{ code: 'MIXED_ENCODING', field: 'firstName', message: expect.stringContaining('Column "Förnamn"') }],
      },
    ]);
  });

  it('should reject the rows of a UTF-8 file that are Windows-1252', async () => {
    const utf = csv([SWEDISH, anna], 'utf8');
    const winRow = csv([['104', 'Åsa', 'Ek', '19850303-3333', '', '', '', '', '', '', '2019-01-01']], 'win1252');
    const messages = await readAll('blandat.csv', Buffer.concat([utf, winRow]));
    expect(rejections(messages)).toEqual([
      expect.objectContaining({ position: { label: 'row 3', row: 3 }, reasons: [expect.objectContaining({ code: 'MIXED_ENCODING', field: 'firstName' })] }),
    ]);
  });

  it('should read an .xlsx with numbers and dates typed into cells', async () => {
    const file = await xlsx([SWEDISH, [101, 'Anna', 'Åberg', 9001011234, 'Kvinna', null, 701234567, null, 12345, 'Malmö', new Date(Date.UTC(2020, 0, 15))]]);
    const [record] = records(await readAll('medlemmar.xlsx', file));
    expect(record).toMatchObject({
      externalId: '101',
      payload: {
        personalIdentityNumber: '199001011234',
        sex: 'FEMALE',
        phone: '0701234567',
        address: { street: null, postalCode: '12345', city: 'Malmö', countryCode: null },
        memberships: [{ from: '2020-01-15' }],
      },
      notes: [{ code: 'PERSONNUMMER_CENTURY_ADDED', field: 'personalIdentityNumber', message: expect.stringContaining('century 19') }],
    });
  });

  it('should note the century it added to 10-digit numbers with "-", "+" and none', async () => {
    const rows = [
      ['Förnamn', 'Efternamn', 'Personnummer', 'Medlem sedan'],
      ['A', 'Ett', '261130-1234', '2026-11-30'],
      ['B', 'Två', '261201-1234', '2000-01-01'],
      ['C', 'Tre', '261130+1234', '2000-01-01'],
    ];
    const recs = records(await readAll('m.csv', csv(rows), undefined, { asOf: '2026-11-30' }));
    expect(recs.map((r) => r.payload['personalIdentityNumber'])).toEqual(['202611301234', '192612011234', '192611301234']);
    expect(recs.map((r) => r.notes?.[0]?.message)).toEqual([
      expect.stringContaining('under 100 on 2026-11-30'),
      expect.stringContaining('under 100 on 2026-11-30'),
      expect.stringContaining('100 or older on 2026-11-30'),
    ]);
  });

  it('should reject every row of a personnummer that is twice in the file, naming the other row', async () => {
    const messages = await readAll('m.csv', csv([SWEDISH, anna, bo, ['105', 'Anna', 'Åberg', '900101-1234', '', '', '', '', '', '', '2020-01-15']]));
    expect(records(messages).map((r) => r.externalId)).toEqual(['102']);
    expect(rejections(messages)).toEqual([
      expect.objectContaining({
        position: { label: 'row 2', row: 2 },
        reasons: [{ code: 'DUPLICATE_IN_FILE', field: 'personalIdentityNumber', message: 'The same personnummer is also on row 4; neither row was imported.' }],
      }),
      expect.objectContaining({
        position: { label: 'row 4', row: 4 },
        reasons: [{ code: 'DUPLICATE_IN_FILE', field: 'personalIdentityNumber', message: 'The same personnummer is already on row 2; neither row was imported.' }],
      }),
    ]);
  });

  it('should reject a member number that is twice in the file', async () => {
    const messages = await readAll('m.csv', csv([SWEDISH, anna, ['101', 'Bo', 'Öst', '201001011234', '', '', '', '', '', '', '2021-03-01']]));
    expect(rejections(messages).map((r) => r.reasons[0])).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_IN_FILE', field: 'externalId' }),
      expect.objectContaining({ code: 'DUPLICATE_IN_FILE', field: 'externalId' }),
    ]);
  });

  it('should reject an unreadable personnummer or date with its row and column, and send the other rows', async () => {
    const messages = await readAll('m.csv', csv([SWEDISH, ['106', 'Cia', 'Ek', '1990-01-01', '', '', '', '', '', '', 'igår'], bo]));
    expect(rejections(messages)).toEqual([
      {
        kind: 'rejected',
        stream: 'members',
        position: { label: 'row 2', row: 2 },
        reasons: [
          { code: 'INVALID_FORMAT', field: 'personalIdentityNumber', message: expect.stringMatching(/^Column "Personnummer": Not a personnummer/) },
          { code: 'INVALID_DATE', field: 'memberships.from', message: 'Column "Medlem sedan": not a date; write it as YYYY-MM-DD.' },
        ],
      },
    ]);
    expect(records(messages).map((r) => r.externalId)).toEqual(['102']);
  });

  it('should derive the external id of a row without member number from the personnummer under a key, never the number itself', async () => {
    const [record] = records(
      await readAll(
        'm.csv',
        csv([
          ['Förnamn', 'Efternamn', 'Personnummer'],
          ['Anna', 'Berg', '19900101-1234'],
        ]),
      ),
    );
    expect(record.externalId).toBe(derivedExternalId('199001011234', TEST_KEY));
    expect(record.externalId).not.toContain('199001011234');
    expect(record.notes).toEqual([expect.objectContaining({ code: 'MEMBER_SINCE_ASSUMED' })]);
  });

  describe('a file refused as a whole, before any message', () => {
    it('should refuse a 0-byte file', async () => {
      expect(await refusal('m.csv', Buffer.alloc(0))).toMatchObject({ code: MemberFileCode.EMPTY_FILE, message: 'The file m.csv is empty (0 bytes).' });
    });

    it('should refuse a PNG renamed .xlsx', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR')]);
      expect(await refusal('medlemmar.xlsx', png)).toMatchObject({ code: MemberFileCode.NOT_A_SPREADSHEET });
    });

    it('should refuse a text file named .xlsx', async () => {
      expect(await refusal('medlemmar.xlsx', Buffer.from('Förnamn;Efternamn\n'))).toMatchObject({ code: MemberFileCode.NOT_A_SPREADSHEET });
    });

    it('should refuse a truncated .xlsx', async () => {
      const whole = await xlsx([SWEDISH, anna, bo]);
      const error = await refusal('medlemmar.xlsx', whole.subarray(0, Math.floor(whole.length * 0.7)));
      expect(error.code).toBe(MemberFileCode.UNREADABLE_FILE);
      expect(error.message).toContain('cut short');
    });

    it('should refuse a zip that is not a workbook', async () => {
      // An .xlsx whose sheet is damaged in the middle (the zip's end record is intact).
      const whole = await xlsx([SWEDISH, anna, bo]);
      const damaged = Buffer.from(whole);
      damaged.fill(0x41, 60, Math.min(600, damaged.length - 200));
      const error = await refusal('medlemmar.xlsx', damaged);
      expect([MemberFileCode.UNREADABLE_FILE, MemberFileCode.MISSING_COLUMNS]).toContain(error.code);
    });

    it('should name the missing required columns', async () => {
      const error = await refusal(
        'm.csv',
        csv([
          ['Förnamn', 'Ort'],
          ['Anna', 'Malmö'],
        ]),
      );
      expect(error).toMatchObject({ code: MemberFileCode.MISSING_COLUMNS });
      expect(error.message).toBe('The file m.csv lacks required columns: lastName (e.g. "Efternamn"), personalIdentityNumber (e.g. "Personnummer"); nothing was imported.');
    });

    it('should not yield a single message of a file whose required columns are missing', async () => {
      const seen: unknown[] = [];
      const run = async () => {
        for await (const m of readMemberFile({ name: 'm.csv', stream: (await import('node:stream')).Readable.from([csv([['Förnamn'], ['Anna']])]) }, undefined, {
          organisationId: ORGANISATION_ID,
          asOf: '2026-11-30',
          externalIdKey: TEST_KEY,
        }))
          seen.push(m);
      };
      await expect(run()).rejects.toThrow(MemberFileRefusedError);
      expect(seen).toEqual([]);
    });
  });

  describe('checkpoints', () => {
    const many = [
      SWEDISH,
      ...Array.from({ length: 25 }, (_, i) => [String(200 + i), 'Namn', 'Efternamn', `1990010${(i % 9) + 1}${String(1000 + i)}`, '', '', '', '', '', '', '2020-01-01']),
    ];

    it('should yield a checkpoint every N rows with the file fingerprint', async () => {
      const states = (await readAll('m.csv', csv(many), undefined, { checkpointEvery: 10 })).filter((m) => m.kind === 'state');
      expect(states.map((s) => s.state.rowsDone)).toEqual([11, 21, 26]);
    });

    it('should skip the rows a saved state of the same file covers, and ignore a state of another file', async () => {
      const bytes = csv(many);
      const first = await readAll('m.csv', bytes, undefined, { checkpointEvery: 10 });
      const saved = first.find((m) => m.kind === 'state')!;
      const resumed = await readAll('m.csv', bytes, saved.state, { checkpointEvery: 10 });
      expect(records(resumed)[0].position.row).toBe(12);
      expect(records(resumed)).toHaveLength(15);
      const other = await readAll('m.csv', csv(many.slice(0, 20)), saved.state, { checkpointEvery: 10 });
      expect(records(other)).toHaveLength(19);
    });
  });
});
