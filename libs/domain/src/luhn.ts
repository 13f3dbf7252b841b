/** Luhn (mod 10) as used by personnummer, samordningsnummer and organisationsnummer. */

/** True when `digits` (ASCII digits only, at least two) ends with a correct Luhn check digit. */
export function luhnValid(digits: string): boolean {
  const length = digits.length;
  if (length < 2) return false;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const digit = digits.charCodeAt(length - 1 - i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += i % 2 === 1 ? doubled(digit) : digit;
  }
  return sum % 10 === 0;
}

/**
 * The Luhn check digit (0–9) to append to `digitsWithoutCheck`.
 * @throws RangeError when the argument is empty or holds anything but ASCII digits (a programming error).
 */
export function luhnCheckDigit(digitsWithoutCheck: string): number {
  const length = digitsWithoutCheck.length;
  if (length === 0) throw new RangeError('luhnCheckDigit needs at least one digit');
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const digit = digitsWithoutCheck.charCodeAt(length - 1 - i) - 48;
    if (digit < 0 || digit > 9) throw new RangeError('luhnCheckDigit accepts ASCII digits only');
    sum += i % 2 === 0 ? doubled(digit) : digit;
  }
  return (10 - (sum % 10)) % 10;
}

function doubled(digit: number): number {
  const twice = digit * 2;
  return twice > 9 ? twice - 9 : twice;
}
