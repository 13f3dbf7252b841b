import { Problems } from './problem/problem-details';

/**
 * Opaque cursors for keyset pagination: the position after the last item of a page (e.g. its
 * id), as base64url JSON. Opaque to clients, who pass back what they got; not a secret.
 */
export function encodeCursor(position: Readonly<Record<string, string | number>>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position in a cursor, checked by `isPosition`; a 422 problem naming `field` (the query parameter) when it is not one this API made. */
export function decodeCursor<T>(cursor: string, isPosition: (value: unknown) => value is T, field = 'cursor'): T {
  if (/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (isPosition(value)) return value;
    } catch {
      // not JSON: answered below
    }
  }
  throw Problems.validation([{ field, code: 'INVALID_FORMAT', message: 'The cursor is not one this API returned; start again without it.' }]);
}
