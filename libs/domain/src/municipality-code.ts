import { ReasonCode } from './reason-codes';
import { invalid, valid, type Validated } from './validated';

/** SCB county (län) codes in force since 1998; the first two digits of every municipality code. */
const COUNTY_CODES: ReadonlySet<string> = new Set([
  '01', '03', '04', '05', '06', '07', '08', '09', '10', '12', '13',
  '14', '17', '18', '19', '20', '21', '22', '23', '24', '25',
]);

/**
 * Validates an SCB municipality code (kommunkod), e.g. `0180` Stockholm: four digits whose first
 * two are a county code in force (01, 03–10, 12–14, 17–25). Leading zeros are required.
 */
export function parseMunicipalityCode(input: string | null | undefined): Validated<string> {
  const text = input?.trim() ?? '';
  if (text === '') return invalid(ReasonCode.REQUIRED, 'A municipality code is required (4 digits, e.g. 0180).');
  if (!/^\d{4}$/.test(text)) {
    return invalid(
      ReasonCode.INVALID_MUNICIPALITY_CODE,
      'A municipality code must have exactly 4 digits (SCB kommunkod, e.g. 0180), including a leading zero.',
    );
  }
  if (!COUNTY_CODES.has(text.slice(0, 2))) {
    return invalid(
      ReasonCode.INVALID_MUNICIPALITY_CODE,
      'A municipality code must start with a county code in force (01, 03-10, 12-14, 17-25).',
    );
  }
  return valid(text);
}
