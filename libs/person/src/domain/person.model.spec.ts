import { mergeMemberships, applyPatch, changedFields, type PersonState } from './person.model';

const anna: PersonState = applyPatch(
  'p1',
  undefined,
  {
    firstName: 'Anna',
    lastName: 'Berg',
    birthDate: '2010-05-17',
    sex: 'FEMALE',
    address: { street: 'Storgatan 1', postalCode: '11455', city: 'Stockholm', countryCode: 'SE' },
  },
  [{ system: 'club', id: 'm1' }],
);

describe(changedFields.name, () => {
  it('should list every field of a new person', () => {
    expect(changedFields(undefined, anna)).toContain('firstName');
  });

  it('should see no change when only the key order of an address differs (as jsonb returns it)', () => {
    const reordered = { ...anna, address: { city: 'Stockholm', street: 'Storgatan 1', countryCode: 'SE', postalCode: '11455' } };
    expect(changedFields(anna, reordered)).toEqual([]);
  });

  it('should name exactly the fields a partial patch changed', () => {
    const next = applyPatch('p1', anna, { email: 'anna@example.se', lastName: 'Berg' }, [...anna.externalIds, { system: 'spar', id: 's1' }]);
    expect(changedFields(anna, next)).toEqual(['email', 'externalIds']);
    expect(next).toMatchObject({ firstName: 'Anna', lastName: 'Berg', email: 'anna@example.se' });
  });
});

describe(mergeMemberships.name, () => {
  const clubA = 'aaaaaaaa-0000-4000-8000-000000000001';
  const clubB = 'bbbbbbbb-0000-4000-8000-000000000002';
  const member = (organisationId: string, from: string, to: string | null = null) => ({ organisationId, from, to });

  it("should keep a person's memberships of other clubs when one club's file names only its own", () => {
    expect(mergeMemberships([member(clubA, '2015-01-01'), member(clubB, '2018-01-01')], [member(clubB, '2019-06-01')])).toEqual([
      member(clubA, '2015-01-01'),
      member(clubB, '2019-06-01'),
    ]);
  });

  it('should leave the list exactly as it was when the file repeats it (no change, no event)', () => {
    const existing = [member(clubA, '2015-01-01'), member(clubB, '2018-01-01', '2020-01-01'), member(clubB, '2021-01-01')];
    expect(mergeMemberships(existing, [member(clubB, '2018-01-01', '2020-01-01'), member(clubB, '2021-01-01')])).toEqual(existing);
  });

  it('should add the membership of a club the person was not a member of at the end', () => {
    expect(mergeMemberships([member(clubA, '2015-01-01')], [member(clubB, '2024-01-01')])).toEqual([member(clubA, '2015-01-01'), member(clubB, '2024-01-01')]);
  });
});
