/**
 * Personnummer in the forms people type: `YYYYMMDDNNNN`, `YYYYMMDD-NNNN`, `YYMMDDNNNN`,
 * `YYMMDD-NNNN`, `YYMMDD+NNNN` (spaces ignored). A 10-digit number gets its century by
 * Skatteverket's rule: `-` or no separator means the person is under 100 on the file's date, `+`
 * means 100 or older. Only the form is normalised here; the date and the Luhn check stay with the
 * person service, which refuses what is not a real number.
 */
export type PersonnummerForm =
  | { readonly ok: true; readonly value: string; readonly centuryAdded?: { readonly century: string; readonly separator: '-' | '+' | '' } }
  | { readonly ok: false; readonly message: string };

/** Normalises to 12 digits; `asOf` is the date (YYYY-MM-DD) the file speaks for. */
export function normalizePersonnummer(raw: string, asOf: string): PersonnummerForm {
  const text = raw.replace(/\s+/g, '');
  const twelve = /^(\d{8})[-+]?(\d{4})$/.exec(text);
  if (twelve) return { ok: true, value: twelve[1] + twelve[2] };
  const ten = /^(\d{6})([-+]?)(\d{4})$/.exec(text);
  if (!ten) return { ok: false, message: 'Not a personnummer: expected 10 or 12 digits, as YYMMDD-NNNN or YYYYMMDD-NNNN.' };
  const [, yymmdd, separator, last] = ten;
  const asOfYear = Number(asOf.slice(0, 4));
  const yy = Number(yymmdd.slice(0, 2));
  // The latest year ending in yy that is not after the file's year; a birthday later in that year than the file's date is a century earlier.
  let year = asOfYear - ((((asOfYear - yy) % 100) + 100) % 100);
  const day = Number(yymmdd.slice(4, 6));
  const monthDay = yymmdd.slice(2, 4) + String(day > 60 ? day - 60 : day).padStart(2, '0'); // samordningsnummer: day + 60
  if (`${year}${monthDay}` > asOf.replace(/-/g, '')) year -= 100;
  if (separator === '+') year -= 100;
  const century = String(year).slice(0, 2);
  return { ok: true, value: `${century}${yymmdd}${last}`, centuryAdded: { century, separator: separator as '-' | '+' | '' } };
}
