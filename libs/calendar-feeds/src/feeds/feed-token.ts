import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: 43 characters, unguessable. */
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function generateFeedToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Whether a string can be a token at all (anything else is answered 404 without a lookup). */
export function isFeedTokenShaped(token: string): boolean {
  return TOKEN_FORMAT.test(token);
}

/** What is stored and looked up: the SHA-256 of the token (the token itself is shown once, never stored). */
export function hashFeedToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
