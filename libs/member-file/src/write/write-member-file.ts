import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Person } from '@stafett/contracts';
import { EXPORT_HEADERS, MEMBER_FIELDS, type MemberField } from '../member-fields';

export type MemberFileFormat = 'xlsx' | 'csv';

export interface WriteMemberFileOptions {
  /** The organisation whose register it is: persons without a current membership of it are left out. */
  readonly organisationId: string;
  /** The connector's source system: the person's external id in it is the member number. */
  readonly sourceSystem?: string;
  /** The date the register is for (YYYY-MM-DD): a membership ended before it is not current. */
  readonly asOf: string;
}

const SEX_TEXT = { FEMALE: 'Kvinna', MALE: 'Man', UNKNOWN: '' } as const;

/** A personnummer as people write it: YYYYMMDD-NNNN. */
function personnummerText(pnr: string | null | undefined): string {
  return pnr && /^\d{12}$/.test(pnr) ? `${pnr.slice(0, 8)}-${pnr.slice(8)}` : (pnr ?? '');
}

/**
 * One person → the cells of its row, in {@link MEMBER_FIELDS} order, as the reader maps them back
 * (dates and numbers as text, so a spreadsheet changes nothing); undefined when the person has no
 * current membership of the organisation.
 */
export function memberRow(person: Person, options: WriteMemberFileOptions): string[] | undefined {
  const current = (person.memberships ?? []).filter((m) => m.organisationId === options.organisationId && (m.to == null || m.to >= options.asOf));
  if (current.length === 0) return undefined;
  const memberSince = current.map((m) => m.from).sort()[0];
  const memberNumber = (person.externalIds ?? []).find((e) => e.system === options.sourceSystem && !e.id.startsWith('pnr:'))?.id ?? '';
  const values: Record<MemberField, string> = {
    memberNumber,
    firstName: person.firstName,
    lastName: person.lastName,
    personalIdentityNumber: personnummerText(person.personalIdentityNumber),
    birthDate: person.birthDate,
    sex: SEX_TEXT[person.sex],
    email: person.email ?? '',
    phone: person.phone ?? '',
    street: person.address?.street ?? '',
    postalCode: person.address?.postalCode ?? '',
    city: person.address?.city ?? '',
    country: person.address?.countryCode ?? '',
    memberSince,
  };
  return MEMBER_FIELDS.map((f) => values[f]);
}

const HEADER = MEMBER_FIELDS.map((f) => EXPORT_HEADERS[f]);

async function* rows(persons: AsyncIterable<Person>, options: WriteMemberFileOptions): AsyncGenerator<string[]> {
  for await (const p of persons) {
    const row = memberRow(p, options);
    if (row) yield row;
  }
}

/**
 * Writes the register, streamed: `.csv` as UTF-8 with BOM and `;` (Swedish Excel opens it as it is),
 * `.xlsx` with exceljs's streaming WorkbookWriter (rows committed as they come). Returns the number
 * of members written.
 */
export async function writeMemberFile(persons: AsyncIterable<Person>, format: MemberFileFormat, out: Writable, options: WriteMemberFileOptions): Promise<number> {
  let count = 0;
  const counted = async function* () {
    for await (const r of rows(persons, options)) {
      count++;
      yield r;
    }
  };
  if (format === 'csv') {
    await pipeline(Readable.from(counted()), stringify({ delimiter: ';', bom: true, header: true, columns: HEADER, record_delimiter: 'windows' }), out);
    return count;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('Medlemmar');
  sheet.addRow(HEADER).commit();
  for await (const r of counted()) sheet.addRow(r).commit();
  sheet.commit();
  await workbook.commit();
  return count;
}
