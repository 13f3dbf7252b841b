import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Readable, PassThrough } from 'node:stream';
import { readMemberFile, type MemberFileMessage, type MemberFileState, type ReadMemberFileOptions } from '../read/read-member-file';

export const ORGANISATION_ID = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';
export const TEST_KEY = Buffer.from('member-file test key');

export const options = (over: Partial<ReadMemberFileOptions> = {}): ReadMemberFileOptions => ({
  organisationId: ORGANISATION_ID,
  asOf: '2026-11-30',
  externalIdKey: TEST_KEY,
  ...over,
});

/** A csv as a club saves it: rows joined by `;` and CRLF, in UTF-8 (optionally with BOM) or Windows-1252. */
export function csv(rows: readonly (readonly string[])[], encoding: 'utf8' | 'utf8bom' | 'win1252' = 'utf8', delimiter = ';'): Buffer {
  const text = rows.map((r) => r.join(delimiter)).join('\r\n') + '\r\n';
  if (encoding === 'win1252') return iconv.encode(text, 'win1252');
  return Buffer.concat([encoding === 'utf8bom' ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
}

/** An .xlsx with one sheet of these rows (cells as given: text, numbers, dates). */
export async function xlsx(rows: readonly (readonly (string | number | Date | null)[])[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true, useStyles: true });
  const sheet = wb.addWorksheet('Medlemmar');
  for (const r of rows) sheet.addRow([...r]).commit();
  sheet.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

/** Everything the reader yields for a file (or the error it refuses it with). */
export async function readAll(name: string, bytes: Buffer, state?: MemberFileState, over: Partial<ReadMemberFileOptions> = {}): Promise<MemberFileMessage[]> {
  const messages: MemberFileMessage[] = [];
  for await (const m of readMemberFile({ name, stream: Readable.from([bytes]) }, state, options(over))) messages.push(m);
  return messages;
}

export const records = (ms: readonly MemberFileMessage[]) => ms.filter((m) => m.kind === 'record');
export const rejections = (ms: readonly MemberFileMessage[]) => ms.filter((m) => m.kind === 'rejected');
