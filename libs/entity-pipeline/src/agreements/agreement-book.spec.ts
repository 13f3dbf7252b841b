import { AgreementBook, contractFieldName } from './agreement-book';
import { testAgreement } from '../test/agreement-factory';

describe(AgreementBook.name, () => {
  it('should have no policy for any entity while it holds no agreement', () => {
    const book = new AgreementBook();
    expect(book.policy('person')).toBeUndefined();
  });

  it('should index owned fields by contract field, nested names counting as their top field', () => {
    const book = new AgreementBook();
    book.put(testAgreement('a', [{ entity: 'person', ownedFields: ['email', 'phone'] }]));
    book.put(testAgreement('b', [{ entity: 'person', ownedFields: ['address.city', 'address.street'] }]));
    const policy = book.policy('person')!;
    expect([...policy.owners.keys()].sort()).toEqual(['address', 'email', 'phone']);
    expect(policy.owners.get('address')!.map((o) => o.connectorId)).toEqual(['b']);
    expect(policy.owners.get('email')).toEqual([{ connectorId: 'a', sourceSystem: 'a-system', organisationId: '11111111-1111-4111-8111-111111111111' }]);
  });

  it('should restrict a connector to its listed fields plus its owned ones, and not restrict one whose list is empty', () => {
    const book = new AgreementBook();
    book.put(testAgreement('a', [{ entity: 'person', fields: ['firstName', 'lastName'], ownedFields: ['email'] }]));
    book.put(testAgreement('b', [{ entity: 'person' }]));
    const policy = book.policy('person')!;
    expect([...policy.allowed.get('a')!].sort()).toEqual(['email', 'firstName', 'lastName']);
    expect(policy.allowed.has('b')).toBe(false);
  });

  it('should let a connector write none of an entity its agreement does not name', () => {
    const book = new AgreementBook();
    book.put(testAgreement('a', [{ entity: 'person' }]));
    book.put(testAgreement('b', [{ entity: 'group' }]));
    expect(book.policy('group')!.allowed.get('a')).toEqual(new Set());
    expect(book.policy('activity')!.allowed.get('b')).toEqual(new Set());
    expect(book.policy('person')!.allowed.has('a')).toBe(false);
  });

  it('should take a newer revision, ignore an older one, and forget a removed connector', () => {
    const book = new AgreementBook();
    expect(book.put(testAgreement('a', [{ entity: 'person', ownedFields: ['email'] }], { revision: 2 }))).toBe('added');
    expect(book.put(testAgreement('a', [{ entity: 'person', ownedFields: ['phone'] }], { revision: 1 }))).toBe('stale');
    expect([...book.policy('person')!.owners.keys()]).toEqual(['email']);
    expect(book.put(testAgreement('a', [{ entity: 'person', ownedFields: [] }], { revision: 3 }))).toBe('revised');
    expect(book.policy('person')!.owners.size).toBe(0);
    expect(book.remove('a')).toBe('removed');
    expect(book.remove('a')).toBe('unchanged');
    expect(book.policy('person')).toBeUndefined();
  });

  it('should keep a policy handed out unchanged when an agreement changes (a batch reads one view)', () => {
    const book = new AgreementBook();
    book.put(testAgreement('a', [{ entity: 'person', ownedFields: ['email'] }]));
    const before = book.policy('person')!;
    book.remove('a');
    expect([...before.owners.keys()]).toEqual(['email']);
  });

  it('should resolve whenLoaded once loaded, and false at once for a caller that is stopping', async () => {
    const book = new AgreementBook();
    await expect(book.whenLoaded(() => true)).resolves.toBe(false);
    const waiting = book.whenLoaded();
    book.markLoaded();
    await expect(waiting).resolves.toBe(true);
    expect(AgreementBook.none().loaded).toBe(true);
  });

  it('should name a nested or indexed field by its top contract field', () => {
    expect(contractFieldName('address.postalCode')).toBe('address');
    expect(contractFieldName('memberships[0].from')).toBe('memberships');
    expect(contractFieldName('email')).toBe('email');
  });
});
