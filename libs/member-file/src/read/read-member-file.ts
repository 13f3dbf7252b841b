import type { Readable } from 'node:stream';
import type { Reason } from '@stafett/contracts';
import { mapHeaders, type ColumnMap, type MemberField } from '../member-fields';
import { MemberFileCode, MemberFileRefusedError } from '../member-file-codes';
import { CONTRACT_FIELD, cellText, parseMemberRow, type RowContext } from './member-row';
import { DuplicateIndex } from './duplicate-index';
import { csvRows, xlsxRows, type RawRow } from './row-sources';
import { SpooledFile, sniffFormat, type FileFormat } from './spooled-file';

export const MEMBERS_STREAM = 'members';
export const DEFAULT_REQUIRED_COLUMNS: readonly MemberField[] = ['firstName', 'lastName', 'personalIdentityNumber'];

/** The saved state of the `members` stream: which file, and the spreadsheet row up to which every row was sent. */
export interface MemberFileState {
  readonly fingerprint: string;
  readonly rowsDone: number;
}

/* The messages have the shape of the connector SDK's SourceMessage (checked where the connector yields them). */
export interface MemberRecordMessage {
  readonly kind: 'record';
  readonly stream: string;
  readonly entity: 'person';
  readonly externalId: string;
  readonly op: 'UPSERT';
  readonly payload: Readonly<Record<string, unknown>>;
  readonly position: { readonly label: string; readonly row: number };
  readonly notes?: readonly Reason[];
}
export interface MemberRejectionMessage {
  readonly kind: 'rejected';
  readonly stream: string;
  readonly position: { readonly label: string; readonly row: number };
  readonly reasons: readonly Reason[];
}
export interface MemberStateMessage {
  readonly kind: 'state';
  readonly stream: string;
  readonly state: { readonly fingerprint: string; readonly rowsDone: number };
}
export type MemberFileMessage = MemberRecordMessage | MemberRejectionMessage | MemberStateMessage;

export interface MemberFileProgress {
  readonly read: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ReadMemberFileOptions {
  /** The agreement's organisation: every row becomes a membership of it. */
  readonly organisationId: string;
  /** The date the file speaks for (YYYY-MM-DD): the century rule and a missing "Medlem sedan" use it. */
  readonly asOf: string;
  /** Header as written → field, looked at before the built-in Swedish and English headers. */
  readonly columns?: Readonly<Record<string, MemberField>>;
  readonly requiredColumns?: readonly MemberField[];
  /** Secret key of the external ids derived from a personnummer (rows without member number) and of the duplicate check. */
  readonly externalIdKey: Buffer;
  /** A checkpoint after every so many rows (default 1,000). */
  readonly checkpointEvery?: number;
  readonly tmpDir?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MemberFileProgress) => void;
}

export interface MemberFileInput {
  readonly name: string;
  readonly stream: Readable;
}

const label = (row: number) => `row ${row}`;

/** Header problem → the error that refuses the file, naming the columns. */
function refusal(problem: Exclude<ReturnType<typeof mapHeaders>, { ok: true }>['problem'], name: string): MemberFileRefusedError {
  if (problem.kind === 'missing') {
    return new MemberFileRefusedError(
      MemberFileCode.MISSING_COLUMNS,
      `The file ${name} lacks required columns: ${problem.fields.map((f) => `${f} (e.g. "${EXAMPLE_HEADER[f]}")`).join(', ')}; nothing was imported.`,
    );
  }
  return new MemberFileRefusedError(
    MemberFileCode.DUPLICATE_COLUMN,
    `The file ${name} has two columns for ${problem.field}: "${problem.headers.join('" and "')}"; nothing was imported.`,
  );
}

const EXAMPLE_HEADER: Readonly<Record<MemberField, string>> = {
  memberNumber: 'Medlemsnummer',
  firstName: 'Förnamn',
  lastName: 'Efternamn',
  personalIdentityNumber: 'Personnummer',
  birthDate: 'Födelsedatum',
  sex: 'Kön',
  email: 'E-post',
  phone: 'Mobil',
  street: 'Adress',
  postalCode: 'Postnummer',
  city: 'Ort',
  country: 'Land',
  memberSince: 'Medlem sedan',
};

/**
 * Reads a member register (.xlsx or .csv) into person import records of the `members` stream.
 *
 * Two passes over a spooled copy: the first reads every row (file-level problems — not a
 * spreadsheet, cut short, 0 bytes, missing columns — throw {@link MemberFileRefusedError} before
 * anything is yielded; duplicate personnummer and member numbers are found), the second yields a
 * record or a rejection per row and a checkpoint every `checkpointEvery` rows. A saved state for
 * the same file (same SHA-256) skips the rows it covers; for another file it is ignored.
 */
export async function* readMemberFile(input: MemberFileInput, state: MemberFileState | undefined, options: ReadMemberFileOptions): AsyncGenerator<MemberFileMessage> {
  const file = await SpooledFile.from(input.stream, options.tmpDir, options.signal);
  try {
    const format = await sniffFormat(file, input.name);
    const rowsOf = (onBytes?: (n: number) => void): AsyncGenerator<RawRow> => {
      const bytes = file.stream(onBytes);
      return format.kind === 'xlsx' ? xlsxRows(bytes) : csvRows(bytes, format.encoding, format.delimiter);
    };
    const unreadable = (e: unknown): never => {
      if (e instanceof MemberFileRefusedError) throw e;
      if (options.signal?.aborted) throw e;
      throw new MemberFileRefusedError(
        MemberFileCode.UNREADABLE_FILE,
        `The file ${input.name} cannot be read as ${format.kind === 'xlsx' ? 'an Excel workbook' : 'a csv'} (${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}); nothing was imported.`,
      );
    };

    // Pass 1: the whole file must read; find the header and the keys that occur twice.
    let context: RowContext | undefined;
    let headerRow = 0;
    const keys = new DuplicateIndex<MemberField>();
    try {
      for await (const { row, cells } of rowsOf()) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (!context) {
          const mapped = mapHeaders(cells.map(cellText), options.columns ?? {}, options.requiredColumns ?? DEFAULT_REQUIRED_COLUMNS);
          if (!mapped.ok) throw refusal(mapped.problem, input.name);
          context = rowContext(mapped.map, options, format);
          headerRow = row;
          continue;
        }
        const parsed = parseMemberRow(cells, context);
        if (!parsed.ok) continue;
        for (const { field, hash } of parsed.keys) keys.add(field, hash, row);
      }
    } catch (e) {
      unreadable(e);
    }
    /** Row → the other row with its key, and which field (only rows with a duplicate). */
    const duplicates = keys.duplicates();
    if (!context) throw new MemberFileRefusedError(MemberFileCode.MISSING_COLUMNS, `The file ${input.name} has no header row (no rows at all); nothing was imported.`);

    // Pass 2: send.
    const skipUpTo = state && state.fingerprint === file.fingerprint ? state.rowsDone : 0;
    const every = options.checkpointEvery ?? 1000;
    let bytesRead = 0;
    let read = 0;
    let sinceCheckpoint = 0;
    let lastRow = headerRow;
    const progress = () => options.onProgress?.({ read, bytesRead, totalBytes: file.size });
    for await (const { row, cells } of rowsOf((n) => (bytesRead = n))) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (row <= headerRow) continue;
      read++;
      lastRow = row;
      if (row <= skipUpTo) continue;
      const duplicate = duplicates.get(row);
      const parsed = parseMemberRow(cells, context);
      if (duplicate && parsed.ok) {
        const what = duplicate.field === 'memberNumber' ? 'member number' : 'personnummer';
        yield {
          kind: 'rejected',
          stream: MEMBERS_STREAM,
          position: { label: label(row), row },
          reasons: [
            {
              code: MemberFileCode.DUPLICATE_IN_FILE,
              field: CONTRACT_FIELD[duplicate.field],
              message:
                duplicate.other < row
                  ? `The same ${what} is already on row ${duplicate.other}; neither row was imported.`
                  : `The same ${what} is also on row ${duplicate.other}; neither row was imported.`,
            },
          ],
        };
      } else if (!parsed.ok) {
        yield { kind: 'rejected', stream: MEMBERS_STREAM, position: { label: label(row), row }, reasons: parsed.reasons };
      } else {
        yield {
          kind: 'record',
          stream: MEMBERS_STREAM,
          entity: 'person',
          externalId: parsed.externalId,
          op: 'UPSERT',
          payload: parsed.payload as Readonly<Record<string, unknown>>,
          position: { label: label(row), row },
          ...(parsed.notes.length > 0 ? { notes: parsed.notes } : {}),
        };
      }
      if (++sinceCheckpoint >= every) {
        sinceCheckpoint = 0;
        progress();
        yield { kind: 'state', stream: MEMBERS_STREAM, state: { fingerprint: file.fingerprint, rowsDone: row } };
      }
    }
    bytesRead = file.size;
    progress();
    yield { kind: 'state', stream: MEMBERS_STREAM, state: { fingerprint: file.fingerprint, rowsDone: lastRow } };
  } finally {
    await file.remove();
  }
}

function rowContext(map: ColumnMap, options: ReadMemberFileOptions, format: FileFormat): RowContext {
  return {
    map,
    organisationId: options.organisationId,
    asOf: options.asOf,
    externalIdKey: options.externalIdKey,
    encoding: format.kind === 'csv' ? format.encoding : 'utf8',
  };
}
