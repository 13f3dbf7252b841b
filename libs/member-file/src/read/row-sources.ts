import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Readable } from 'node:stream';
import type { CellValue } from './member-row';

/** A row of the sheet as the spreadsheet numbers it (header = its row, usually 1). */
export interface RawRow {
  readonly row: number;
  readonly cells: readonly CellValue[];
}

/** Rows of a csv, streamed: bytes → text in the file's encoding (BOM dropped) → csv-parse. Row = line number. */
export async function* csvRows(bytes: Readable, encoding: 'utf8' | 'win1252', delimiter: ';' | ','): AsyncGenerator<RawRow> {
  const parser = bytes
    .pipe(iconv.decodeStream(encoding === 'utf8' ? 'utf8' : 'win1252', { stripBOM: true }))
    .pipe(parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, trim: false }));
  bytes.on('error', (e) => parser.destroy(e));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (record.every((c) => c.trim() === '')) continue;
    yield { row: info.lines, cells: record };
  }
}

type ExcelValue = ExcelJS.CellValue;

function cellOf(value: ExcelValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellOf(value.result ?? null);
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return null;
  }
  return null;
}

/** Chunks cut at UTF-8 character boundaries: the bytes of a character split between two chunks are carried to the next. */
export async function* utf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const c of chunks) {
    const chunk = carry.length > 0 ? Buffer.concat([carry, Buffer.from(c)]) : Buffer.from(c);
    // Find where the last (possibly incomplete) character starts.
    let start = chunk.length - 1;
    while (start >= 0 && start >= chunk.length - 4 && (chunk[start] & 0xc0) === 0x80) start--;
    let end = chunk.length;
    if (start >= 0 && chunk[start] >= 0xc0) {
      const need = chunk[start] >= 0xf0 ? 4 : chunk[start] >= 0xe0 ? 3 : 2;
      if (chunk.length - start < need) end = start;
    }
    carry = chunk.subarray(end);
    if (end > 0) yield chunk.subarray(0, end);
  }
  if (carry.length > 0) yield carry;
}

interface WorkbookReaderInternals {
  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): AsyncGenerator<unknown>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
}

/**
 * exceljs 4.4's streaming reader decodes every zip chunk on its own (`chunk.toString()` in
 * utils/parse-sax), so an å, ä or ö whose two bytes fall in two chunks becomes U+FFFD U+FFFD (about
 * one cell in 25,000 of a large register). This reader hands it chunks cut at character boundaries.
 */
class Utf8SafeWorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {}
{
  const proto = Utf8SafeWorkbookReader.prototype as unknown as WorkbookReaderInternals;
  const base = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as WorkbookReaderInternals;
  proto._parseWorksheet = function (this: WorkbookReaderInternals, iterator, sheetNo) {
    return base._parseWorksheet.call(this, utf8Chunks(iterator), sheetNo);
  };
  proto._parseSharedStrings = function (this: WorkbookReaderInternals, entry) {
    return base._parseSharedStrings.call(this, Readable.from(utf8Chunks(entry as AsyncIterable<Buffer>)));
  };
}

/** Rows of the first worksheet of an .xlsx, streamed with exceljs's WorkbookReader (never the whole workbook in memory). */
export async function* xlsxRows(bytes: Readable): AsyncGenerator<RawRow> {
  const reader = new Utf8SafeWorkbookReader(bytes, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'emit' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as ExcelValue[];
        // exceljs numbers cells from 1: values[0] is empty.
        const cells = values.slice(1).map(cellOf);
        if (cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''))) continue;
        yield { row: row.number, cells };
      }
      return; // the first worksheet is the register
    }
  } finally {
    bytes.destroy();
  }
}
