import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'stf_';

/** A new key: `stf_` and 32 random bytes, base64url. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a key: its SHA-256, lower-case hex. (Keys are random, so no salt or slow hash is needed.) */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What is shown of a key in lists: its prefix and last four characters (`stf_…x9Qa`). */
export function keyHint(key: string): string {
  return `${key.startsWith(API_KEY_PREFIX) ? API_KEY_PREFIX : ''}…${key.slice(-4)}`;
}
