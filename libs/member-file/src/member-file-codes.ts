/** The connector's own reason codes (row report), next to the regelverk's `ReasonCode`s. */
export const MemberFileCode = {
  /** Note: a 10-digit personnummer was given its century by Skatteverket's rule. */
  PERSONNUMMER_CENTURY_ADDED: 'PERSONNUMMER_CENTURY_ADDED',
  /** Note: no "Medlem sedan" on the row; the membership starts on the file's date. */
  MEMBER_SINCE_ASSUMED: 'MEMBER_SINCE_ASSUMED',
  /** Row: the same personnummer or member number is on several rows; none of them is sent. */
  DUPLICATE_IN_FILE: 'DUPLICATE_IN_FILE',
  /** Row: text in another encoding than the one the file starts with. */
  MIXED_ENCODING: 'MIXED_ENCODING',
  /** File: 0 bytes. */
  EMPTY_FILE: 'EMPTY_FILE',
  /** File: not an .xlsx or .csv (an image, a PDF, an old .xls…). */
  NOT_A_SPREADSHEET: 'NOT_A_SPREADSHEET',
  /** File: an .xlsx cut short, or otherwise unreadable. */
  UNREADABLE_FILE: 'UNREADABLE_FILE',
  /** File: no header row, or required columns missing. */
  MISSING_COLUMNS: 'MISSING_COLUMNS',
  /** File: two columns for one field. */
  DUPLICATE_COLUMN: 'DUPLICATE_COLUMN',
} as const;
export type MemberFileCode = (typeof MemberFileCode)[keyof typeof MemberFileCode];

/** A file refused as a whole, before anything of it is sent. `code` is a {@link MemberFileCode}. */
export class MemberFileRefusedError extends Error {
  constructor(
    readonly code: MemberFileCode,
    message: string,
  ) {
    super(message);
    this.name = 'MemberFileRefusedError';
  }
}
