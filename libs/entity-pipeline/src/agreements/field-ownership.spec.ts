import type { PersonImportPayload } from '@stafett/contracts';
import { AgreementBook, type FieldOwner } from './agreement-book';
import { screenFields, type FieldScreenInput } from './field-ownership';
import { testAgreement } from '../test/agreement-factory';

const CONTRACT = new Set(['personalIdentityNumber', 'firstName', 'lastName', 'email', 'phone', 'address', 'memberships', 'organisationId']);
const contractFieldOf = (f: string): string | undefined => (CONTRACT.has(f) ? f : CONTRACT.has(`${f}Id`) ? `${f}Id` : undefined);

/** A owns email and phone, B owns address (both for persons). */
function book(): AgreementBook {
  const b = new AgreementBook();
  b.put(testAgreement('a', [{ entity: 'person', ownedFields: ['email', 'phone'] }], { sourceSystem: 'register-a' }));
  b.put(testAgreement('b', [{ entity: 'person', ownedFields: ['address'] }], { sourceSystem: 'register-b' }));
  return b;
}

const all: PersonImportPayload = {
  personalIdentityNumber: '200001012384',
  firstName: 'Anna',
  email: 'anna@example.se',
  phone: '0701234567',
  address: { street: 'Storgatan 1', postalCode: '11455', city: 'Stockholm', countryCode: 'SE' },
  clearFields: [],
};

const screen = (source: FieldScreenInput['source'], payload: object, more: Partial<FieldScreenInput> = {}) =>
  screenFields<PersonImportPayload>({ policy: book().policy('person')!, source, payload: payload as Record<string, unknown>, contractFieldOf, reaches: () => true, ...more });

describe(screenFields.name, () => {
  it("should drop the other connector's fields, keep its own and the unowned ones, and name the owner", () => {
    const fromA = screen({ system: 'register-a', connectorId: 'a' }, all)!;
    expect(fromA.payload).toMatchObject({ email: 'anna@example.se', phone: '0701234567', firstName: 'Anna', address: null });
    expect(fromA.reasons).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'address', message: 'owned by connector b' }]);
    const fromB = screen({ system: 'register-b', connectorId: 'b' }, all)!;
    expect(fromB.payload).toMatchObject({ email: null, phone: null, address: all.address });
    expect(fromB.reasons.map((r) => [r.field, r.message])).toEqual([
      ['email', 'owned by connector a'],
      ['phone', 'owned by connector a'],
    ]);
  });

  it('should leave the payload untouched (undefined) when it writes nothing another source owns', () => {
    expect(screen({ system: 'register-a', connectorId: 'a' }, { firstName: 'Anna', email: 'x@example.se', address: null })).toBeUndefined();
  });

  it('should drop clearFields entries of owned fields like the fields themselves', () => {
    const s = screen({ system: 'register-a', connectorId: 'a' }, { firstName: 'Anna', clearFields: ['address', 'email'] })!;
    expect(s.payload.clearFields).toEqual(['email']);
    expect(s.reasons).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'address', message: 'owned by connector b' }]);
    expect(s.writesAnything).toBe(true);
  });

  it('should say so when nothing is left to write', () => {
    const s = screen({ system: 'register-b', connectorId: 'b' }, { email: 'x@example.se', clearFields: ['phone'] })!;
    expect(s.writesAnything).toBe(false);
    expect(s.reasons.map((r) => r.field)).toEqual(['email', 'phone']);
  });

  it('should judge a record without a connector id by its source system: the owner system writes, any other does not', () => {
    expect(screen({ system: 'register-a' }, { email: 'x@example.se' })).toBeUndefined();
    expect(screen({ system: 'spar' }, { email: 'x@example.se' })!.reasons).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'email', message: 'owned by connector a' }]);
  });

  it("should not drop a field when the owner's ownership does not reach the entity (outside its organisation)", () => {
    const reaches = (o: FieldOwner) => o.connectorId !== 'a';
    const s = screen({ system: 'register-b', connectorId: 'b' }, all, { reaches });
    expect(s).toBeUndefined();
  });

  it('should never drop the exempt field (the natural key) nor a field outside the contract', () => {
    const b = new AgreementBook();
    b.put(testAgreement('a', [{ entity: 'person', ownedFields: ['personalIdentityNumber'] }]));
    const s = screenFields<PersonImportPayload>({
      policy: b.policy('person')!,
      source: { system: 's', connectorId: 'c' },
      payload: { personalIdentityNumber: '200001012384', protectedIdentity: false },
      contractFieldOf,
      reaches: () => true,
      exempt: 'personalIdentityNumber',
    });
    expect(s).toBeUndefined();
  });

  it("should drop a connector's write to a field its own agreement does not list, with FIELD_NOT_IN_AGREEMENT", () => {
    const b = new AgreementBook();
    b.put(testAgreement('c', [{ entity: 'person', fields: ['firstName', 'lastName', 'memberships'] }]));
    const s = screenFields<PersonImportPayload>({
      policy: b.policy('person')!,
      source: { system: 's', connectorId: 'c' },
      payload: { firstName: 'Anna', email: 'anna@example.se', clearFields: ['phone'] },
      contractFieldOf,
      reaches: () => true,
    })!;
    expect(s.payload).toMatchObject({ firstName: 'Anna', email: null, clearFields: [] });
    expect(s.reasons).toEqual([
      { code: 'FIELD_NOT_IN_AGREEMENT', field: 'email', message: 'not in the agreement of connector c' },
      { code: 'FIELD_NOT_IN_AGREEMENT', field: 'phone', message: 'not in the agreement of connector c' },
    ]);
  });

  it('should map a reference field to its contract field (organisation → organisationId)', () => {
    const b = new AgreementBook();
    b.put(testAgreement('a', [{ entity: 'person', ownedFields: ['organisationId'] }]));
    const s = screenFields<Record<string, unknown>>({
      policy: b.policy('person')!,
      source: { system: 's', connectorId: 'c' },
      payload: { organisation: { id: 'x' }, firstName: 'Anna' },
      contractFieldOf,
      reaches: () => true,
    })!;
    expect(s.reasons).toEqual([{ code: 'FIELD_OWNED_BY_OTHER_SOURCE', field: 'organisation', message: 'owned by connector a' }]);
  });

  it('should name every owner when two agreements claim one field', () => {
    const b = book();
    b.put(testAgreement('z', [{ entity: 'person', ownedFields: ['email'] }]));
    const s = screenFields<PersonImportPayload>({
      policy: b.policy('person')!,
      source: { system: 's', connectorId: 'c' },
      payload: { email: 'x@example.se' },
      contractFieldOf,
      reaches: () => true,
    })!;
    expect(s.reasons[0].message).toBe('owned by connectors a, z');
  });
});
