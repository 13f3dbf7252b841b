import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

const MAX_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
/** Unquoted local part (RFC 5322 atext, plus Unicode letters and digits as RFC 6531 allows). */
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
/** A domain label: letters and digits (Unicode for IDN), hyphens inside only. */
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/**
 * A pragmatic e-mail address check and normalization: trims, lower-cases the domain (the local
 * part is kept as written: it may be case-sensitive), one `@`, local part of 1–64 characters
 * without spaces or leading, trailing or double dots, a domain of at least two valid labels with
 * a non-numeric top-level label, at most 254 characters in total. No DNS look-up.
 */
export function normalizeEmail(input: string | null | undefined): Validated<string> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'An e-mail address is required.');
  if (text.length > MAX_LENGTH) {
    return invalid(ReasonCode.INVALID_EMAIL, `An e-mail address may have at most ${MAX_LENGTH} characters.`);
  }
  const at = text.indexOf('@');
  if (at === -1 || at !== text.lastIndexOf('@')) {
    return invalid(ReasonCode.INVALID_EMAIL, 'An e-mail address must contain exactly one @, as in name@example.se.');
  }
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();

  if (
    local.length === 0 ||
    local.length > MAX_LOCAL_LENGTH ||
    !LOCAL_PART.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  ) {
    return invalid(
      ReasonCode.INVALID_EMAIL,
      `The part before @ must have 1 to ${MAX_LOCAL_LENGTH} characters without spaces, and no dot at its start, its end or twice in a row.`,
    );
  }
  const labels = domain.split('.');
  const topLevel = labels[labels.length - 1] ?? '';
  if (
    labels.length < 2 ||
    labels.some((label) => label.length > MAX_LABEL_LENGTH || !DOMAIN_LABEL.test(label)) ||
    /^\d+$/.test(topLevel)
  ) {
    return invalid(
      ReasonCode.INVALID_EMAIL,
      'The part after @ must be a domain name such as example.se: dot-separated labels of letters, digits and inner hyphens.',
    );
  }
  return valid(`${local}@${domain}`);
}
