import { applyPatch, changedFields, type PersonState } from './person.model';

const anna: PersonState = applyPatch('p1', undefined, {
  firstName: 'Anna',
  lastName: 'Berg',
  birthDate: '2010-05-17',
  sex: 'FEMALE',
  address: { street: 'Storgatan 1', postalCode: '11455', city: 'Stockholm', countryCode: 'SE' },
}, [{ system: 'club', id: 'm1' }]);

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
