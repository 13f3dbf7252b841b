import { toPersonPayload } from './to-person-payload';

describe(toPersonPayload.name, () => {
  it('should carry memberships and guardians as references by id', () => {
    const organisationId = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';
    const personId = '8d7c6b5a-4d3c-4b2a-9f1e-0d9c8b7a6f5e';
    expect(toPersonPayload({ firstName: 'Anna', lastName: 'Berg', memberships: [{ organisationId, from: '2024-01-01' }], guardians: [{ personId }] }, false)).toEqual({
      firstName: 'Anna',
      lastName: 'Berg',
      memberships: [{ organisation: { id: organisationId }, from: '2024-01-01', to: null }],
      guardians: [{ person: { id: personId } }],
    });
  });

  it('should clear the fields a PATCH gives as null, and leave out the ones it does not name', () => {
    expect(toPersonPayload({ email: null, address: null, phone: '070-1234567' }, true)).toEqual({ phone: '070-1234567', clearFields: ['address', 'email'] });
  });

  it('should take null as "not given" in a create', () => {
    expect(toPersonPayload({ firstName: 'Anna', lastName: 'Berg', email: null }, false)).toEqual({ firstName: 'Anna', lastName: 'Berg' });
  });

  it("should make a PATCH's memberships replace the person's (clear, then set), as imports merge them per organisation", () => {
    const organisationId = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';
    expect(toPersonPayload({ memberships: [{ organisationId, from: '2024-01-01' }] }, true)).toEqual({
      memberships: [{ organisation: { id: organisationId }, from: '2024-01-01', to: null }],
      clearFields: ['memberships'],
    });
  });
});
