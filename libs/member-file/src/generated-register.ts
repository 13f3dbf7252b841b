/** A synthetic member register (valid personnummer, Swedish letters) for benchmarks and tests. */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { EXPORT_HEADERS, MEMBER_FIELDS } from './member-fields';

/** A valid 12-digit personnummer for row i (Luhn over the last ten), distinct for i < 9,000,000. */
export function generatedPersonnummer(i: number): string {
  const year = 1940 + (i % 80);
  const month = String((Math.floor(i / 80) % 12) + 1).padStart(2, '0');
  const day = String((Math.floor(i / 960) % 28) + 1).padStart(2, '0');
  const serial = String(Math.floor(i / 26880) % 1000).padStart(3, '0');
  const nine = `${String(year).slice(2)}${month}${day}${serial}`;
  let sum = 0;
  for (let k = 0; k < 9; k++) {
    let d = Number(nine[k]) * (k % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `${year}${month}${day}${serial}${(10 - (sum % 10)) % 10}`;
}

/** The cells of generated member i, in the export's column order. */
export function generatedMember(i: number): string[] {
  const pnr = generatedPersonnummer(i);
  return [
    String(100000 + i),
    `Förnamn${i}`,
    `Efternamn${i % 977}`,
    `${pnr.slice(0, 8)}-${pnr.slice(8)}`,
    pnr.slice(0, 4) + '-' + pnr.slice(4, 6) + '-' + pnr.slice(6, 8),
    i % 2 ? 'Kvinna' : 'Man',
    `m${i}@example.se`,
    `+467${String(i).padStart(8, '0')}`,
    `Gatan ${i % 200}`,
    '12345',
    'Malmö',
    'SE',
    '2020-01-01',
  ];
}

/** Writes a register of `rows` generated members (streamed: exceljs WorkbookWriter / a csv line by line). */
export async function writeGeneratedRegister(file: string, rows: number, format: 'xlsx' | 'csv'): Promise<void> {
  const header = MEMBER_FIELDS.map((f) => EXPORT_HEADERS[f]);
  if (format === 'xlsx') {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
    const sheet = wb.addWorksheet('Medlemmar');
    sheet.addRow(header).commit();
    for (let i = 0; i < rows; i++) sheet.addRow(generatedMember(i)).commit();
    sheet.commit();
    await wb.commit();
    return;
  }
  const out = createWriteStream(file);
  out.write('\ufeff' + header.join(';') + '\r\n');
  for (let i = 0; i < rows; i++) if (!out.write(generatedMember(i).join(';') + '\r\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
