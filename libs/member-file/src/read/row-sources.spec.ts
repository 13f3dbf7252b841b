import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { utf8Chunks, xlsxRows } from './row-sources';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe(utf8Chunks.name, () => {
  it('should never cut a character in two', async () => {
    const bytes = Buffer.from('Åsa Öberg i Malmö 😀 och Västerås', 'utf8');
    for (let size = 1; size <= 7; size++) {
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const out = await collect(utf8Chunks(Readable.from(chunks)));
      expect(out.map((c) => c.toString('utf8')).join('')).toBe('Åsa Öberg i Malmö 😀 och Västerås');
      expect(out.every((c) => !c.toString('utf8').includes('\ufffd'))).toBe(true);
    }
  });
});

describe(xlsxRows.name, () => {
  it('should keep every å, ä and ö of a large workbook with shared strings (exceljs splits chunks mid-character)', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
    const sheet = wb.addWorksheet('Medlemmar');
    for (let i = 0; i < 20_000; i++) sheet.addRow([`Åsa${i}`, `Öström${i}`, `Västerås${i}`]).commit();
    sheet.commit();
    await wb.commit();
    const rows = await collect(xlsxRows(Readable.from([Buffer.concat(chunks)])));
    expect(rows).toHaveLength(20_000);
    expect(rows.filter((r) => r.cells.some((c) => typeof c === 'string' && c.includes('\ufffd')))).toEqual([]);
    expect(rows[19_999]).toEqual({ row: 20_000, cells: ['Åsa19999', 'Öström19999', 'Västerås19999'] });
  }, 60_000);
});
