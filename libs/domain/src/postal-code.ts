import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

const SWEDISH_POSTAL_CODE = /^([1-9]\d{2})\s?(\d{2})$/;
const OTHER_POSTAL_CODE = /^[A-Z0-9 -]{1,10}$/;
const COUNTRY_CODE = /^[A-Z]{2}$/;

/**
 * Validates and normalizes a postal code for a country (ISO 3166-1 alpha-2, default SE).
 * SE: five digits, `123 45` accepted, normalized to `12345` (Swedish codes never start with 0).
 * Other countries: trimmed, upper-cased, inner whitespace collapsed, 1–10 of `A–Z 0–9 space -`.
 */
export function normalizePostalCode(
  input: string | null | undefined,
  countryCode: string | null | undefined = 'SE',
): Validated<string> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'A postal code is required.');
  const country = (countryCode ?? 'SE').trim().toUpperCase();
  if (!COUNTRY_CODE.test(country)) {
    return invalid(ReasonCode.INVALID_FORMAT, 'The country code must be two letters (ISO 3166-1 alpha-2, e.g. SE).');
  }

  if (country === 'SE') {
    const match = SWEDISH_POSTAL_CODE.exec(text);
    if (!match) {
      return invalid(
        ReasonCode.INVALID_POSTAL_CODE,
        'A Swedish postal code must have 5 digits, written 12345 or 123 45, and cannot start with 0.',
      );
    }
    return valid(`${match[1]}${match[2]}`);
  }

  const normalized = text.toUpperCase().replace(/\s+/g, ' ');
  if (!OTHER_POSTAL_CODE.test(normalized) || !/[A-Z0-9]/.test(normalized)) {
    return invalid(
      ReasonCode.INVALID_POSTAL_CODE,
      'A postal code must have 1 to 10 characters of letters A-Z, digits, spaces and hyphens.',
    );
  }
  return valid(normalized);
}
