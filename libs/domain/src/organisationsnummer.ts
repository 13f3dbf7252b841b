import { isAsciiDigits } from './ascii-digits';
import { luhnValid } from './luhn';
import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

const FORMAT_MESSAGE = 'The organisation number must have 10 digits: NNNNNNNNNN, optionally written NNNNNN-NNNN.';

/**
 * Validates and normalizes an organisationsnummer (DESIGN §3): 10 digits, optionally `NNNNNN-NNNN`
 * with surrounding whitespace; third digit ≥ 2; Luhn over all 10 digits. Returns the 10 digits.
 */
export function parseOrganisationNumber(input: string | null | undefined): Validated<string> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'An organisation number is required (10 digits, NNNNNN-NNNN).');

  let digits: string;
  if (text.length === 10) digits = text;
  else if (text.length === 11 && text[6] === '-') digits = text.slice(0, 6) + text.slice(7);
  else return invalid(ReasonCode.INVALID_FORMAT, FORMAT_MESSAGE);
  if (!isAsciiDigits(digits)) return invalid(ReasonCode.INVALID_FORMAT, FORMAT_MESSAGE);

  if (digits.charCodeAt(2) - 48 < 2) {
    return invalid(
      ReasonCode.INVALID_ORGANISATION_NUMBER,
      'The third digit of an organisation number must be 2 or higher; a lower one means a personal identity number, not an organisation.',
    );
  }
  if (!luhnValid(digits)) {
    return invalid(
      ReasonCode.INVALID_CHECKSUM,
      'The organisation number has a wrong check digit (Luhn over the 10 digits); check it for a typo.',
    );
  }
  return valid(digits);
}
