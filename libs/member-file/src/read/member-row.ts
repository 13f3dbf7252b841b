import { createHmac } from 'node:crypto';
import type { PersonImportPayload, Reason, Sex } from '@stafett/contracts';
import type { ColumnMap, MemberField } from '../member-fields';
import { normalizePersonnummer } from '../personnummer-forms';
import { MemberFileCode } from '../member-file-codes';

/** A cell as the readers give it: text (csv, xlsx strings) or what a spreadsheet typed (number, date, boolean). */
export type CellValue = string | number | boolean | Date | null;

/** The contract field a column lands in (for `Reason.field`). */
export const CONTRACT_FIELD: Readonly<Record<MemberField, string>> = {
  memberNumber: 'externalId',
  firstName: 'firstName',
  lastName: 'lastName',
  personalIdentityNumber: 'personalIdentityNumber',
  birthDate: 'birthDate',
  sex: 'sex',
  email: 'email',
  phone: 'phone',
  street: 'address.street',
  postalCode: 'address.postalCode',
  city: 'address.city',
  country: 'address.countryCode',
  memberSince: 'memberships.from',
};

export interface RowContext {
  readonly map: ColumnMap;
  readonly organisationId: string;
  /** The date the file speaks for (YYYY-MM-DD). */
  readonly asOf: string;
  /** The key of the external ids derived from a personnummer when a row has no member number. */
  readonly externalIdKey: Buffer;
  /** Windows-1252 decoded text: UTF-8 sequences in it mean the file mixes encodings. */
  readonly encoding: 'utf8' | 'win1252';
}

export type ParsedRow =
  | {
      readonly ok: true;
      readonly externalId: string;
      readonly payload: PersonImportPayload;
      readonly notes: readonly Reason[];
      /** Keys a file may hold once (keyed hashes, never the personnummer in clear): the field and its hash. */
      readonly keys: readonly { readonly field: MemberField; readonly hash: Buffer }[];
    }
  | { readonly ok: false; readonly reasons: readonly Reason[] };

const SEX: Readonly<Record<string, Sex>> = {
  k: 'FEMALE',
  kvinna: 'FEMALE',
  f: 'FEMALE',
  female: 'FEMALE',
  woman: 'FEMALE',
  flicka: 'FEMALE',
  m: 'MALE',
  man: 'MALE',
  male: 'MALE',
  pojke: 'MALE',
  u: 'UNKNOWN',
  okant: 'UNKNOWN',
  annat: 'UNKNOWN',
  unknown: 'UNKNOWN',
  other: 'UNKNOWN',
};

const COUNTRIES: Readonly<Record<string, string>> = {
  sverige: 'SE',
  sweden: 'SE',
  norge: 'NO',
  norway: 'NO',
  danmark: 'DK',
  denmark: 'DK',
  finland: 'FI',
  suomi: 'FI',
  island: 'IS',
  iceland: 'IS',
  tyskland: 'DE',
  germany: 'DE',
};

/** UTF-8 å/ä/ö/é… read as Windows-1252 (`Ã¥`, `Ã¤`, `Ã¶`, `Ã©`): the row was saved in another encoding than the file's start. */
const UTF8_AS_WIN1252 =
  /[\u00c2\u00c3][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A date cell: a spreadsheet date, an Excel serial number, or text as YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or YYYY.MM.DD. */
export function cellDate(value: CellValue): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : isoDate(value);
  if (typeof value === 'number') return value > 0 && value < 2958466 ? isoDate(new Date(EXCEL_EPOCH + Math.round(value) * 86_400_000)) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const text = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && isoDate(d) === text ? text : undefined;
}

/** A cell as text; numbers as written (a personnummer or phone typed as a number keeps its digits). */
export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoDate(value);
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return value.trim();
}

/** The external id derived from a personnummer when a row has no member number: `pnr:` + HMAC-SHA-256 (keyed, so it cannot be tested against a birth year's numbers). */
export function derivedExternalId(personnummer: string, key: Buffer): string {
  return `pnr:${createHmac('sha256', key).update(personnummer).digest('hex').slice(0, 32)}`;
}

/** A key of the duplicate check, hashed so the personnummer is never held in clear. */
function fileKey(field: MemberField, value: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`${field}\u0000${value}`).digest();
}

/**
 * One data row → the person's import payload with its membership of the agreement's organisation,
 * or the reasons it cannot be sent (each naming the field and the column as written in the file).
 * An empty cell means "not given, keep" (a file never clears a field).
 */
export function parseMemberRow(cells: readonly CellValue[], ctx: RowContext): ParsedRow {
  const reasons: Reason[] = [];
  const notes: Reason[] = [];
  const column = (f: MemberField) => ctx.map.columns.get(f);
  const raw = (f: MemberField): CellValue => {
    const c = column(f);
    return c === undefined ? null : (cells[c.index] ?? null);
  };
  const text = (f: MemberField) => cellText(raw(f));
  const reject = (f: MemberField, code: string, message: string) => reasons.push({ code, field: CONTRACT_FIELD[f], message: `Column "${column(f)?.header ?? f}": ${message}` });

  for (const [field, c] of ctx.map.columns) {
    const v = cells[c.index];
    if (typeof v !== 'string') continue;
    if ((ctx.encoding === 'utf8' && v.includes('\ufffd')) || (ctx.encoding === 'win1252' && UTF8_AS_WIN1252.test(v))) {
      reject(
        field,
        MemberFileCode.MIXED_ENCODING,
        ctx.encoding === 'utf8'
          ? 'bytes that are not UTF-8 (Windows-1252?) in a file that starts as UTF-8; save the whole file in one encoding.'
          : 'UTF-8 characters in a file that starts as Windows-1252; save the whole file in one encoding.',
      );
    }
  }

  const payload: { -readonly [K in keyof PersonImportPayload]: PersonImportPayload[K] } = {};
  const keys: { field: MemberField; hash: Buffer }[] = [];
  let personnummer: string | undefined;
  const pnrRaw = raw('personalIdentityNumber');
  const pnrText = typeof pnrRaw === 'number' && Number.isInteger(pnrRaw) && pnrRaw < 1e10 ? pnrRaw.toFixed(0).padStart(10, '0') : cellText(pnrRaw);
  if (pnrText !== '') {
    const form = normalizePersonnummer(pnrText, ctx.asOf);
    if (!form.ok) reject('personalIdentityNumber', 'INVALID_FORMAT', form.message);
    else {
      personnummer = form.value;
      payload.personalIdentityNumber = form.value;
      keys.push({ field: 'personalIdentityNumber', hash: fileKey('personalIdentityNumber', form.value, ctx.externalIdKey) });
      if (form.centuryAdded) {
        const { century, separator } = form.centuryAdded;
        notes.push({
          code: MemberFileCode.PERSONNUMMER_CENTURY_ADDED,
          field: 'personalIdentityNumber',
          message: `Column "${column('personalIdentityNumber')?.header}": a 10-digit personnummer${separator ? ` with "${separator}"` : ''} was given the century ${century} by Skatteverket's rule (${separator === '+' ? '100 or older' : 'under 100'} on ${ctx.asOf}).`,
        });
      }
    }
  }

  const memberNumber = text('memberNumber');
  if (memberNumber !== '') keys.push({ field: 'memberNumber', hash: fileKey('memberNumber', memberNumber, ctx.externalIdKey) });

  for (const f of ['firstName', 'lastName'] as const) {
    const v = text(f);
    if (v !== '') payload[f] = v;
  }
  if (column('birthDate') && raw('birthDate') !== null && text('birthDate') !== '') {
    const d = cellDate(raw('birthDate'));
    if (d) payload.birthDate = d;
    else reject('birthDate', 'INVALID_DATE', 'not a date; write it as YYYY-MM-DD.');
  }
  const sexText = text('sex');
  if (sexText !== '') {
    const sex =
      SEX[
        sexText
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
      ];
    if (sex) payload.sex = sex;
    else reject('sex', 'INVALID_ENUM', `"${sexText}" is not a sex; write Kvinna/K, Man/M or Okänt.`);
  }
  const email = text('email');
  if (email !== '') payload.email = email;
  const phone = raw('phone');
  if (phone !== null && cellText(phone) !== '') {
    // A mobile number typed into a number cell lost its leading 0.
    payload.phone = typeof phone === 'number' && /^[1-9]\d{8}$/.test(cellText(phone)) ? `0${cellText(phone)}` : cellText(phone);
  }
  const street = text('street');
  const postalCode = text('postalCode').replace(/\s+/g, '');
  const city = text('city');
  const countryText = text('country');
  let countryCode: string | null = null;
  if (countryText !== '') {
    const known = COUNTRIES[countryText.toLowerCase()];
    if (known) countryCode = known;
    else if (/^[a-z]{2}$/i.test(countryText)) countryCode = countryText.toUpperCase();
    else reject('country', 'INVALID_FORMAT', `"${countryText}" is not a country; write a two-letter code such as SE.`);
  }
  if (street !== '' || postalCode !== '' || city !== '' || countryCode !== null) {
    payload.address = { street: street || null, postalCode: postalCode || null, city: city || null, countryCode };
  }
  let from = ctx.asOf;
  if (column('memberSince') && text('memberSince') !== '') {
    const d = cellDate(raw('memberSince'));
    if (d) from = d;
    else reject('memberSince', 'INVALID_DATE', 'not a date; write it as YYYY-MM-DD.');
  } else {
    notes.push({ code: MemberFileCode.MEMBER_SINCE_ASSUMED, field: 'memberships.from', message: `No "Medlem sedan": the membership is taken to start on ${ctx.asOf}.` });
  }
  payload.memberships = [{ organisation: { id: ctx.organisationId }, from, to: null }];

  if (memberNumber === '' && personnummer === undefined && reasons.length === 0) {
    reasons.push({ code: 'REQUIRED', field: 'externalId', message: 'The row has neither a member number nor a personnummer: nothing identifies the member.' });
  }
  if (reasons.length > 0) return { ok: false, reasons };
  const externalId = memberNumber !== '' ? memberNumber : derivedExternalId(personnummer!, ctx.externalIdKey);
  return { ok: true, externalId, payload, notes, keys };
}
