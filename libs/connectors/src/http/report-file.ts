import type { ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { RunIssue } from '@stafett/connector-sdk';

const COLUMNS = ['kind', 'row', 'position', 'column', 'code', 'message', 'externalId'] as const;

/** A report line as the API shows it: `column` is the field the issue is about. */
export function reportLine(i: RunIssue) {
  return { kind: i.kind, row: i.row, position: i.position, column: i.field, code: i.code, message: i.message, externalId: i.externalId };
}

/** A cell never starts a formula in a spreadsheet (CSV injection): a leading = + - @ is quoted with an apostrophe. */
const safe = (v: string | number | null) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));

export function reportCsv(issues: readonly RunIssue[]): string {
  return stringify([COLUMNS, ...issues.map((i) => Object.values(reportLine(i)).map(safe))], { bom: true });
}

/** Writes the report as an .xlsx to the response (streamed). */
export async function writeReportXlsx(issues: readonly RunIssue[], res: ServerResponse): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Report');
  sheet.addRow([...COLUMNS]).commit();
  for (const i of issues) sheet.addRow(Object.values(reportLine(i)).map(safe)).commit();
  sheet.commit();
  await workbook.commit();
}
