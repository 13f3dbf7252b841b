export * from './member-fields';
export * from './member-file-codes';
export * from './personnummer-forms';
export { cellDate, cellText, derivedExternalId, parseMemberRow, type CellValue, type ParsedRow, type RowContext } from './read/member-row';
export * from './read/read-member-file';
export { sniffFormat, SpooledFile, type FileFormat } from './read/spooled-file';
export * from './write/write-member-file';
export * from './client/persons-client';
export * from './generated-register';
