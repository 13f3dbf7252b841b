import { mapHeaders, normalizeHeader } from './member-fields';

const fieldsOf = (r: ReturnType<typeof mapHeaders>) => (r.ok ? Object.fromEntries([...r.map.columns].map(([f, c]) => [f, c.index])) : r.problem);

describe(mapHeaders.name, () => {
  it('should map Swedish headers whatever their case, spaces and diacritics', () => {
    const r = mapHeaders(
      ['FÖRNAMN', ' efternamn ', 'Person-nummer', 'Födelsedatum', 'Kön', 'E-post', 'Mobil', 'Gatuadress', 'Postnummer', 'Postort', 'Land', 'Medlem sedan', 'Medlemsnummer'],
      {},
      ['firstName'],
    );
    expect(fieldsOf(r)).toEqual({
      firstName: 0,
      lastName: 1,
      personalIdentityNumber: 2,
      birthDate: 3,
      sex: 4,
      email: 5,
      phone: 6,
      street: 7,
      postalCode: 8,
      city: 9,
      country: 10,
      memberSince: 11,
      memberNumber: 12,
    });
  });

  it('should map English headers', () => {
    const r = mapHeaders(
      ['First name', 'Last name', 'Personal identity number', 'Birth date', 'Sex', 'Email', 'Phone', 'Street', 'Postal code', 'City', 'Country', 'Member since', 'Member number'],
      {},
      [],
    );
    expect(Object.keys(fieldsOf(r))).toHaveLength(13);
  });

  it("should let the agreement's mapping override the built-in headers and ignore unknown ones", () => {
    const r = mapHeaders(['Tilltal', 'Efternamn', 'Telefon', 'Anteckning'], { tilltal: 'firstName', Telefon: 'memberNumber' }, ['firstName']);
    expect(fieldsOf(r)).toEqual({ firstName: 0, lastName: 1, memberNumber: 2 });
  });

  it('should name every required column that is missing', () => {
    expect(mapHeaders(['Förnamn', 'Ort'], {}, ['firstName', 'lastName', 'personalIdentityNumber'])).toEqual({
      ok: false,
      problem: { kind: 'missing', fields: ['lastName', 'personalIdentityNumber'] },
    });
  });

  it('should refuse two columns for one field', () => {
    expect(mapHeaders(['Mobil', 'Telefon'], {}, [])).toEqual({ ok: false, problem: { kind: 'duplicate', field: 'phone', headers: ['Mobil', 'Telefon'] } });
  });

  it('should fold diacritics and punctuation', () => {
    expect(normalizeHeader(' Födelse-datum ')).toBe('fodelsedatum');
  });
});
