/**
 * The columns of a member register and the headers people give them, Swedish and English. A header
 * matches case-, space-, punctuation- and diacritics-insensitively (`Kön`, `KON`, `kön ` are one);
 * the agreement's `columns` mapping (header as written → field) is looked at first.
 */
export const MEMBER_FIELDS = [
  'memberNumber',
  'firstName',
  'lastName',
  'personalIdentityNumber',
  'birthDate',
  'sex',
  'email',
  'phone',
  'street',
  'postalCode',
  'city',
  'country',
  'memberSince',
] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];

/** The header each field gets in an exported file (Swedish, as clubs write them); the reader maps them back. */
export const EXPORT_HEADERS: Readonly<Record<MemberField, string>> = {
  memberNumber: 'Medlemsnummer',
  firstName: 'Förnamn',
  lastName: 'Efternamn',
  personalIdentityNumber: 'Personnummer',
  birthDate: 'Födelsedatum',
  sex: 'Kön',
  email: 'E-post',
  phone: 'Mobil',
  street: 'Gatuadress',
  postalCode: 'Postnummer',
  city: 'Ort',
  country: 'Land',
  memberSince: 'Medlem sedan',
};

const ALIASES: Readonly<Record<MemberField, readonly string[]>> = {
  memberNumber: ['medlemsnummer', 'medlemsnr', 'medlemsid', 'membernumber', 'memberno', 'memberid'],
  firstName: ['fornamn', 'tilltalsnamn', 'firstname', 'givenname'],
  lastName: ['efternamn', 'lastname', 'surname', 'familyname'],
  personalIdentityNumber: ['personnummer', 'personnr', 'pnr', 'personalidentitynumber', 'personalnumber', 'personalidentitynr'],
  birthDate: ['fodelsedatum', 'fodd', 'birthdate', 'dateofbirth'],
  sex: ['kon', 'sex', 'gender'],
  email: ['epost', 'epostadress', 'mejl', 'mail', 'email', 'emailaddress'],
  phone: ['mobil', 'mobilnummer', 'mobiltelefon', 'telefon', 'telefonnummer', 'tel', 'phone', 'phonenumber', 'mobile', 'mobilephone'],
  street: ['adress', 'gatuadress', 'utdelningsadress', 'street', 'streetaddress', 'address'],
  postalCode: ['postnummer', 'postnr', 'postalcode', 'postcode', 'zip', 'zipcode'],
  city: ['ort', 'postort', 'stad', 'city', 'town'],
  country: ['land', 'country', 'countrycode', 'landskod'],
  memberSince: ['medlemsedan', 'medlemfran', 'membersince', 'memberfrom'],
};

/** `Födelse-datum ` → `fodelsedatum`: lower case, no diacritics, letters and digits only. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const BY_ALIAS: ReadonlyMap<string, MemberField> = new Map(MEMBER_FIELDS.flatMap((f) => ALIASES[f].map((a) => [a, f] as const)));

export function isMemberField(value: string): value is MemberField {
  return (MEMBER_FIELDS as readonly string[]).includes(value);
}

/** Which column holds which field, and the header as written (for the report). */
export interface ColumnMap {
  readonly columns: ReadonlyMap<MemberField, { readonly index: number; readonly header: string }>;
}

export type HeaderProblem =
  { readonly kind: 'missing'; readonly fields: readonly MemberField[] } | { readonly kind: 'duplicate'; readonly field: MemberField; readonly headers: readonly string[] };

/**
 * Maps the header row: the configured mapping first (header as written, normalized the same way),
 * then the built-in aliases; unknown headers are ignored. Two columns for one field, or a required
 * field without a column, is a problem with the whole file.
 */
export function mapHeaders(
  headers: readonly string[],
  mapping: Readonly<Record<string, MemberField>>,
  required: readonly MemberField[],
): { ok: true; map: ColumnMap } | { ok: false; problem: HeaderProblem } {
  const configured = new Map(Object.entries(mapping).map(([h, f]) => [normalizeHeader(h), f]));
  const columns = new Map<MemberField, { index: number; header: string }>();
  for (const [index, raw] of headers.entries()) {
    const header = raw.trim();
    if (header === '') continue;
    const key = normalizeHeader(header);
    const field = configured.get(key) ?? BY_ALIAS.get(key);
    if (!field) continue;
    const taken = columns.get(field);
    if (taken) return { ok: false, problem: { kind: 'duplicate', field, headers: [taken.header, header] } };
    columns.set(field, { index, header });
  }
  const missing = required.filter((f) => !columns.has(f));
  if (missing.length > 0) return { ok: false, problem: { kind: 'missing', fields: missing } };
  return { ok: true, map: { columns } };
}
