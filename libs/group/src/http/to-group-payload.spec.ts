import { restField } from './group-write.service';
import { toGroupPayload } from './to-group-payload';

describe(toGroupPayload.name, () => {
  const person = '0b000000-0000-4000-8000-000000000001';

  it('should turn a REST body into the import payload: references by id, members with their periods', () => {
    expect(
      toGroupPayload(
        { organisationId: '0a000000-0000-4000-8000-000000000001', name: 'P15', type: 'TEAM', members: [{ personId: person, role: 'LEADER', from: '2024-01-01' }] },
        false,
      ),
    ).toEqual({
      organisation: { id: '0a000000-0000-4000-8000-000000000001' },
      name: 'P15',
      type: 'TEAM',
      members: [{ person: { id: person }, role: 'LEADER', from: '2024-01-01', to: null }],
    });
  });

  it('should make null a clear in a PATCH and "not given" in a create', () => {
    expect(toGroupPayload({ sport: null, members: null }, true)).toEqual({ clearFields: ['sport', 'members'] });
    expect(toGroupPayload({ organisationId: 'x', name: 'n', type: 'OTHER', sport: null }, false)).not.toHaveProperty('clearFields');
  });
});

describe(restField.name, () => {
  it('should name the REST fields of reasons about import fields', () => {
    expect(restField('organisation')).toBe('organisationId');
    expect(restField('members[3].person')).toBe('members[3].personId');
    expect(restField('members[3].to')).toBe('members[3].to');
    expect(restField('organisationId')).toBe('organisationId');
    expect(restField(null)).toBeNull();
  });
});
