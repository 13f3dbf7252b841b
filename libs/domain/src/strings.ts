import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

/**
 * Trims a text, collapses inner whitespace (tabs and line breaks included) to single spaces and
 * puts it in Unicode NFC, so that `Åsa` typed on any system compares equal.
 */
export function normalizeText(input: string): string {
  return input.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/**
 * A required free-text field (names, titles): normalized by {@link normalizeText}; REQUIRED when
 * nothing is left, TOO_LONG over `maxLength` characters (Unicode code points), INVALID_FORMAT when
 * it holds control characters (Postgres text cannot store NUL) or half of a surrogate pair.
 */
export function requiredText(input: string | null | undefined, field: string, maxLength: number): Validated<string> {
  const text = normalizeText(input ?? '');
  if (text === '') return invalid(ReasonCode.REQUIRED, `${field} is required and must not be blank.`);
  return checkText(text, field, maxLength);
}

/** Like {@link requiredText}, but a missing or blank value is valid and becomes `undefined`. */
export function optionalText(
  input: string | null | undefined,
  field: string,
  maxLength: number,
): Validated<string | undefined> {
  const text = normalizeText(input ?? '');
  if (text === '') return valid(undefined);
  return checkText(text, field, maxLength);
}

/**
 * One of a fixed set of values (an enum of the canonical model, e.g. `ACTIVE | INACTIVE`). Trims;
 * matches exactly, else case-insensitively (`active` → `ACTIVE`); INVALID_ENUM lists what is allowed.
 */
export function requiredEnum<const T extends string>(
  input: string | null | undefined,
  field: string,
  allowed: readonly T[],
): Validated<T> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, `${field} is required: one of ${allowed.join(', ')}.`);
  const exact = allowed.find((value) => value === text);
  if (exact !== undefined) return valid(exact);
  const folded = text.toUpperCase();
  const loose = allowed.find((value) => value.toUpperCase() === folded);
  if (loose !== undefined) return valid(loose);
  return invalid(ReasonCode.INVALID_ENUM, `${field} must be one of ${allowed.join(', ')}.`);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkText(text: string, field: string, maxLength: number): Validated<string> {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) {
    return invalid(ReasonCode.INVALID_FORMAT, `${field} must not contain control characters.`);
  }
  // A JSON body can carry half of a surrogate pair (`"\ud800"`): it is no character, Postgres
  // refuses it in JSON, and written as UTF-8 it would silently become U+FFFD.
  if (LONE_SURROGATE.test(text)) {
    return invalid(ReasonCode.INVALID_FORMAT, `${field} must be valid Unicode text: it holds half of a surrogate pair.`);
  }
  // UTF-16 length is an upper bound of the code point count: count only when it could matter.
  const length = text.length <= maxLength ? text.length : [...text].length;
  if (length > maxLength) {
    return invalid(ReasonCode.TOO_LONG, `${field} must have at most ${maxLength} characters; it has ${length}.`);
  }
  return valid(text);
}
