import { Problems } from '@stafett/api';

/** The ETag of an organisation version: `"<version>"` (strong). */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * The version an `If-Match` header asks for: `"3"` (or `3`) → 3, `*` → any (undefined). Missing:
 * 428 when required. Anything else cannot match a person's ETag: 412.
 */
export function expectedVersion(header: string | undefined, required: boolean): number | undefined {
  const value = header?.trim() ?? '';
  if (value === '') {
    if (required) throw Problems.preconditionRequired('Send If-Match with the ETag of the organisation you changed (e.g. If-Match: "3"), so that no change is overwritten unseen.');
    return undefined;
  }
  if (value === '*') return undefined;
  const match = /^"?(\d{1,15})"?$/.exec(value);
  if (!match) throw Problems.preconditionFailed('If-Match does not match the ETag of the organisation (a version such as "3").');
  return Number(match[1]);
}
