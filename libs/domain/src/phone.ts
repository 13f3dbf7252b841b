import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

/**
 * Validates a phone number and normalizes it to E.164 (`070-123 45 67` → `+46701234567`).
 * National numbers are read in `defaultCountry` (ISO 3166-1 alpha-2, default SE); numbers with
 * `+` or `00` keep their own country. Uses libphonenumber-js with its default (min) metadata,
 * so the check is the number's length per country and numbering plan prefix. Extensions are
 * refused because E.164 cannot carry them.
 */
export function normalizePhone(
  input: string | null | undefined,
  defaultCountry: string | null | undefined = 'SE',
): Validated<string> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'A phone number is required.');
  const country = (defaultCountry ?? 'SE').trim().toUpperCase();
  if (!isSupportedCountry(country)) {
    return invalid(ReasonCode.INVALID_FORMAT, 'The country code must be a supported ISO 3166-1 alpha-2 code, e.g. SE.');
  }
  const phone = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
  if (!phone?.isValid()) {
    return invalid(
      ReasonCode.INVALID_PHONE,
      'The phone number is not a valid number: expected e.g. 070-123 45 67 or an international number such as +47 412 34 567.',
    );
  }
  if (phone.ext !== undefined) {
    return invalid(ReasonCode.INVALID_PHONE, 'The phone number must not have an extension; give the direct number.');
  }
  return valid(phone.number);
}
