import type { OrganisationImportPayload, OrganisationType, Reference } from '@stafett/contracts';
import type { EntityCommand, ReferenceResolver } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import type { OrganisationRepository } from '../database/organisation.repository';
import type { Dependent, HierarchyNode } from './organisation-hierarchy';
import { applyPatch, changedFields, toContract, type OrganisationState } from './organisation.model';
import { OrganisationBatchContext, OrganisationRules } from './organisation.rules';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const RF = id(1);
const FOTBOLL = id(2);
const STOCKHOLM_FF = id(3);
const CLUB = id(4);
const SECTION = id(5);
const OTHER_CLUB = id(6);
const FRIIDROTT = id(7);

/** A valid organisationsnummer (Luhn over 10 digits, third digit ≥ 2): Riksidrottsförbundet's. */
const RF_NUMBER = '8020001650';

function state(id: string, type: OrganisationType, parentId: string | null, extra: Partial<OrganisationState> = {}): OrganisationState {
  return applyPatch(id, undefined, { type, name: `${type} ${id.slice(-2)}`, parentId, ...extra }, []);
}

/** The register of these tests: RF → Fotbollförbundet → Stockholms FF → club → section; Friidrottsförbundet; another club. */
const register: OrganisationState[] = [
  state(RF, 'CONFEDERATION', null),
  state(FOTBOLL, 'FEDERATION', RF),
  state(STOCKHOLM_FF, 'DISTRICT', FOTBOLL),
  state(CLUB, 'CLUB', STOCKHOLM_FF, { federations: [{ organisationId: FOTBOLL, sport: 'Fotboll' }] }),
  state(SECTION, 'SECTION', CLUB),
  state(FRIIDROTT, 'FEDERATION', RF),
  state(OTHER_CLUB, 'CLUB', null),
];
const byId = new Map(register.map((s) => [s.id, s]));

/** A fake resolver: references by id to the register above; `batch` holds the states this batch has loaded (none by default). */
function resolver(batch: readonly OrganisationState[] = []): ReferenceResolver<OrganisationState> {
  const loaded = new Map(batch.map((s) => [s.id, s]));
  return {
    same: (ref: Reference) => (ref.id && byId.has(ref.id) ? ref.id : ref.system === 'ssfs' && ref.externalId === 'fotboll' ? FOTBOLL : undefined),
    foreign: () => undefined,
    state: (id) => loaded.get(id),
    known: () => undefined,
  };
}

/** What `prepare` would have loaded: every organisation's type and parent, and the dependents of those named. */
function context(dependentsOf: readonly string[] = []): OrganisationBatchContext {
  const nodes = new Map<string, HierarchyNode>(register.map((s) => [s.id, { type: s.type, parentId: s.parentId }]));
  const dependents = new Map<string, Dependent[]>();
  for (const holder of dependentsOf) {
    dependents.set(holder, [
      ...register.filter((s) => s.parentId === holder).map((s): Dependent => ({ id: s.id, type: s.type, via: 'parent' })),
      ...register.filter((s) => s.federations.some((f) => f.organisationId === holder)).map((s): Dependent => ({ id: s.id, type: s.type, via: 'federation' })),
    ]);
  }
  return new OrganisationBatchContext(nodes, dependents);
}

describe(OrganisationRules.name, () => {
  const sut = new OrganisationRules({} as OrganisationRepository);
  const validate = (payload: OrganisationImportPayload, existing?: OrganisationState, dependentsOf: readonly string[] = []) =>
    sut.validate(payload, existing, resolver(existing ? [existing] : []), context(dependentsOf));
  const errorsOf = (v: ReturnType<typeof validate>) => (v.errors ?? []).map((e) => ({ field: e.field, code: e.code }));

  describe('fields', () => {
    it('should accept a club and normalize what it is given', () => {
      const v = validate({
        type: 'CLUB',
        name: '  IK   Stafett ',
        organisationNumber: '802000-1650',
        municipalityCode: '0180',
        sports: [' Fotboll', 'Friidrott', 'fotboll', 'Friidrott '],
        email: 'Kansli@IKStafett.se',
        phone: '08-123 456 78',
        address: { street: 'Idrottens väg 1', postalCode: '114 55', city: 'Stockholm', countryCode: null },
        parent: { id: STOCKHOLM_FF },
        federations: [{ organisation: { system: 'ssfs', externalId: 'fotboll' }, sport: ' Fotboll ' }],
      });
      expect(v.errors).toBeUndefined();
      expect(v.patch).toEqual({
        type: 'CLUB',
        name: 'IK Stafett',
        organisationNumber: RF_NUMBER,
        municipalityCode: '0180',
        sports: ['Fotboll', 'Friidrott'],
        email: 'Kansli@ikstafett.se',
        phone: '+46812345678',
        address: { street: 'Idrottens väg 1', postalCode: '11455', city: 'Stockholm', countryCode: 'SE' },
        parentId: STOCKHOLM_FF,
        federations: [{ organisationId: FOTBOLL, sport: 'Fotboll' }],
      });
    });

    it('should require type and name of a new organisation', () => {
      expect(errorsOf(validate({ organisationNumber: RF_NUMBER }))).toEqual([
        { field: 'type', code: 'REQUIRED' },
        { field: 'name', code: 'REQUIRED' },
      ]);
    });

    it('should let an existing organisation change one field without type and name', () => {
      const v = validate({ email: 'ny@fotboll.se' }, byId.get(FOTBOLL));
      expect(v.patch).toEqual({ email: 'ny@fotboll.se' });
    });

    it.each([
      ['8020001651', 'INVALID_CHECKSUM'],
      ['8010001650', 'INVALID_ORGANISATION_NUMBER'],
      ['80200016', 'INVALID_FORMAT'],
    ])('should refuse the organisationsnummer %s with %s', (organisationNumber, code) => {
      expect(errorsOf(validate({ type: 'CLUB', name: 'IK', organisationNumber }))).toEqual([{ field: 'organisationNumber', code }]);
    });

    it('should name every bad field with its rule', () => {
      const v = validate({
        type: 'CLUB',
        name: 'x'.repeat(201),
        municipalityCode: '180',
        sports: ['Fotboll', '  '],
        email: 'not-an-email',
        phone: '12',
        address: { street: null, postalCode: '1234', city: null, countryCode: 'SE' },
        clearFields: ['type'],
      });
      expect(errorsOf(v)).toEqual([
        { field: 'name', code: 'TOO_LONG' },
        { field: 'municipalityCode', code: 'INVALID_MUNICIPALITY_CODE' },
        { field: 'email', code: 'INVALID_EMAIL' },
        { field: 'phone', code: 'INVALID_PHONE' },
        { field: 'sports[1]', code: 'REQUIRED' },
        { field: 'address.postalCode', code: 'INVALID_POSTAL_CODE' },
        { field: 'type', code: 'REQUIRED' },
      ]);
    });

    it('should clear what clearFields names', () => {
      const existing = byId.get(CLUB)!;
      const v = validate({ clearFields: ['federations', 'sports', 'email'] }, existing);
      expect(v.patch).toEqual({ federations: [], sports: [], email: null });
    });
  });

  describe('hierarchy', () => {
    it.each<[OrganisationType, string, string]>([
      ['FEDERATION', STOCKHOLM_FF, 'DISTRICT'],
      ['DISTRICT', CLUB, 'CLUB'],
      ['CLUB', SECTION, 'SECTION'],
      ['SECTION', STOCKHOLM_FF, 'DISTRICT'],
      ['CONFEDERATION', FOTBOLL, 'FEDERATION'],
    ])('should refuse a %s under a %s with INVALID_PARENT', (type, parent) => {
      const v = validate({ type, name: 'Ny', parent: { id: parent } });
      expect(errorsOf(v)).toEqual([{ field: 'parent', code: 'INVALID_PARENT' }]);
      expect(v.errors![0].message).toMatch(new RegExp(`^a ${type} cannot have a \\w+ as parent`));
    });

    it.each<[OrganisationType, string | null]>([
      ['FEDERATION', RF],
      ['FEDERATION', null],
      ['DISTRICT', FOTBOLL],
      ['DISTRICT', RF],
      ['CLUB', STOCKHOLM_FF],
      ['CLUB', FOTBOLL],
      ['CLUB', null],
      ['SECTION', CLUB],
      ['OTHER', SECTION],
      ['CONFEDERATION', null],
    ])('should accept a %s under %s', (type, parent) => {
      expect(validate({ type, name: 'Ny', ...(parent ? { parent: { id: parent } } : {}) }).errors).toBeUndefined();
    });

    it('should refuse a section without a club (REQUIRED parent)', () => {
      expect(errorsOf(validate({ type: 'SECTION', name: 'Fotbollssektionen' }))).toEqual([{ field: 'parent', code: 'REQUIRED' }]);
    });

    it('should refuse an unknown parent with UNKNOWN_REFERENCE (the pipeline parks it)', () => {
      expect(errorsOf(validate({ type: 'CLUB', name: 'IK', parent: { system: 'ssfs', externalId: 'nobody' } }))).toEqual([{ field: 'parent', code: 'UNKNOWN_REFERENCE' }]);
    });

    it('should refuse references that can never name an organisation, without waiting for them', () => {
      const v = validate({ type: 'CLUB', name: 'IK', parent: { id: 'forening-4711' }, federations: [{ organisation: { personalIdentityNumber: '201005172384' }, sport: null }] });
      expect(errorsOf(v)).toEqual([
        { field: 'parent', code: 'INVALID_FORMAT' },
        { field: 'federations[0].organisation', code: 'REQUIRED' },
      ]);
    });

    it('should refuse a federation moved under its own district with HIERARCHY_CYCLE', () => {
      expect(errorsOf(validate({ parent: { id: STOCKHOLM_FF } }, byId.get(FOTBOLL)))).toEqual([{ field: 'parent', code: 'HIERARCHY_CYCLE' }]);
    });

    it('should refuse an organisation as its own parent with HIERARCHY_CYCLE', () => {
      expect(errorsOf(validate({ parent: { id: OTHER_CLUB } }, byId.get(OTHER_CLUB)))).toEqual([{ field: 'parent', code: 'HIERARCHY_CYCLE' }]);
    });

    it('should see a cycle through a parent this batch has just changed', () => {
      // Earlier in the batch, the other club became an OTHER under the section; now the section's club goes under it.
      const moved = { ...byId.get(OTHER_CLUB)!, type: 'OTHER' as const, parentId: SECTION };
      const club = byId.get(CLUB)!;
      const v = sut.validate({ type: 'OTHER', parent: { id: OTHER_CLUB }, clearFields: ['federations'] }, club, resolver([moved, club]), context());
      expect(errorsOf(v)).toEqual([{ field: 'parent', code: 'HIERARCHY_CYCLE' }]);
    });

    it('should refuse federations that are not FEDERATIONs, naming each', () => {
      const v = validate({
        type: 'CLUB',
        name: 'IK',
        federations: [
          { organisation: { id: FOTBOLL }, sport: null },
          { organisation: { id: FOTBOLL }, sport: null },
          { organisation: { id: STOCKHOLM_FF }, sport: 'Fotboll' },
        ],
      });
      expect(errorsOf(v)).toEqual([{ field: 'federations[2].organisation', code: 'INVALID_PARENT' }]);
    });

    it('should keep each federation and sport once', () => {
      const v = validate({
        type: 'CLUB',
        name: 'IK',
        federations: [
          { organisation: { id: FOTBOLL }, sport: 'Fotboll' },
          { organisation: { system: 'ssfs', externalId: 'fotboll' }, sport: 'Fotboll' },
          { organisation: { id: FRIIDROTT }, sport: null },
        ],
      });
      expect(v.patch?.federations).toEqual([
        { organisationId: FOTBOLL, sport: 'Fotboll' },
        { organisationId: FRIIDROTT, sport: null },
      ]);
    });

    it('should refuse federations on an organisation that is not a CLUB', () => {
      expect(errorsOf(validate({ type: 'DISTRICT', name: 'Ny', parent: { id: FOTBOLL }, federations: [{ organisation: { id: FRIIDROTT }, sport: null }] }))).toEqual([
        { field: 'federations', code: 'INVALID_PARENT' },
      ]);
    });

    it('should refuse an unknown federation with UNKNOWN_REFERENCE naming it', () => {
      expect(errorsOf(validate({ type: 'CLUB', name: 'IK', federations: [{ organisation: { id: id(99) }, sport: null }] }))).toEqual([
        { field: 'federations[0].organisation', code: 'UNKNOWN_REFERENCE' },
      ]);
    });

    it('should refuse a type change its children cannot live with', () => {
      // A club with a section cannot become a district (a section needs a club).
      expect(errorsOf(validate({ type: 'DISTRICT', parent: { id: FOTBOLL }, clearFields: ['federations'] }, byId.get(CLUB), [CLUB]))).toEqual([
        { field: 'type', code: 'INVALID_PARENT' },
      ]);
    });

    it('should refuse turning a federation with member clubs into something else', () => {
      expect(errorsOf(validate({ type: 'OTHER' }, byId.get(FOTBOLL), [FOTBOLL]))).toEqual([{ field: 'type', code: 'INVALID_PARENT' }]);
    });

    it('should leave the hierarchy alone when a patch does not touch it', () => {
      // A section stored without a parent (before these rules) can still be renamed.
      const orphan = state(id(50), 'SECTION', null);
      expect(validate({ name: 'Nytt namn' }, orphan).errors).toBeUndefined();
    });
  });

  describe('removal', () => {
    const remove = (target: string): EntityCommand<OrganisationImportPayload> => ({
      recordId: id(90),
      batchId: id(90),
      source: { system: 'api' },
      externalId: null,
      targetId: target,
      op: 'DELETE',
      payload: null,
    });

    it('should refuse deleting an organisation with children with HAS_CHILDREN', () => {
      expect(sut.screen(remove(CLUB), { state: byId.get(CLUB)!, version: 1 }, context([CLUB]))).toEqual({
        reject: [expect.objectContaining({ field: 'id', code: 'HAS_CHILDREN' })],
      });
    });

    it('should let a leaf go', () => {
      expect(sut.screen(remove(SECTION), { state: byId.get(SECTION)!, version: 1 }, context([SECTION]))).toBeUndefined();
    });
  });

  describe('within one batch', () => {
    const remove = (target: string): EntityCommand<OrganisationImportPayload> => ({
      recordId: id(93),
      batchId: id(93),
      source: { system: 's' },
      externalId: null,
      targetId: target,
      op: 'DELETE',
      payload: null,
    });

    it('should let a club go once the batch has deleted its section', () => {
      const ctx = context([SECTION, CLUB]);
      expect(sut.screen(remove(SECTION), { state: byId.get(SECTION)!, version: 1 }, ctx)).toBeUndefined();
      expect(sut.screen(remove(CLUB), { state: byId.get(CLUB)!, version: 1 }, ctx)).toBeUndefined();
    });

    it('should refuse deleting a club the batch has just put a section under (HAS_CHILDREN)', () => {
      const ctx = context([OTHER_CLUB]);
      expect(sut.validate({ type: 'SECTION', name: 'Ny sektion', parent: { id: OTHER_CLUB } }, undefined, resolver(), ctx).errors).toBeUndefined();
      expect(sut.screen(remove(OTHER_CLUB), { state: byId.get(OTHER_CLUB)!, version: 1 }, ctx)).toEqual({ reject: [expect.objectContaining({ code: 'HAS_CHILDREN' })] });
    });

    it('should refuse a type change that a section created earlier in the batch cannot live with', () => {
      const ctx = context([OTHER_CLUB]);
      expect(sut.validate({ type: 'SECTION', name: 'Ny sektion', parent: { id: OTHER_CLUB } }, undefined, resolver(), ctx).errors).toBeUndefined();
      const v = sut.validate({ type: 'OTHER' }, byId.get(OTHER_CLUB), resolver([byId.get(OTHER_CLUB)!]), ctx);
      expect(errorsOf(v)).toEqual([{ field: 'type', code: 'INVALID_PARENT' }]);
      expect(v.errors![0].message).toContain('a SECTION of this batch');
    });
  });

  describe('prepare', () => {
    it('should take the hierarchy lock, walk the ancestry once, and load dependents only for type changes and deletions', async () => {
      const calls: string[] = [];
      const repository = {
        lockHierarchy: async () => {
          calls.push('lock');
        },
        ancestry: async () => {
          calls.push('ancestry');
          return new Map();
        },
        dependents: async () => {
          calls.push('dependents');
          return new Map();
        },
      } as unknown as OrganisationRepository;
      const rules = new OrganisationRules(repository);
      const upsert = (payload: OrganisationImportPayload): EntityCommand<OrganisationImportPayload> => ({
        recordId: id(91),
        batchId: id(91),
        source: { system: 's' },
        externalId: 'e',
        op: 'UPSERT',
        payload,
      });
      await rules.prepare({} as SqlExecutor, [upsert({ name: 'A', parent: { id: RF } }), upsert({ email: 'a@b.se' })]);
      expect(calls).toEqual(['lock', 'ancestry']);
      calls.length = 0;
      await rules.prepare({} as SqlExecutor, [upsert({ type: 'CLUB' })]);
      expect(calls).toEqual(['lock', 'ancestry', 'dependents']);
    });

    it('should not take the hierarchy lock for a batch that touches no part of the hierarchy', async () => {
      const calls: string[] = [];
      const repository = {
        lockHierarchy: async () => void calls.push('lock'),
        ancestry: async () => new Map(),
      } as unknown as OrganisationRepository;
      const payload: OrganisationImportPayload = { name: 'Nytt namn', email: 'a@b.se' };
      await new OrganisationRules(repository).prepare({} as SqlExecutor, [{ recordId: id(92), batchId: id(92), source: { system: 's' }, externalId: 'e', op: 'UPSERT', payload }]);
      expect(calls).toEqual([]);
    });
  });

  describe('model', () => {
    it('should name the organisations an organisation belongs to: itself, its parent, its federations', () => {
      expect(sut.organisationsOf(byId.get(CLUB)!)).toEqual([CLUB, STOCKHOLM_FF, FOTBOLL]);
      expect(sut.organisationsOf(byId.get(RF)!)).toEqual([RF]);
    });

    it('should list changed fields in contract order and map to the contract', () => {
      const before = byId.get(CLUB)!;
      const after = applyPatch(CLUB, before, { name: 'Nytt', federations: [] }, [{ system: 's', id: '1' }]);
      expect(changedFields(before, after)).toEqual(['name', 'externalIds', 'federations']);
      expect(toContract(after)).toMatchObject({ id: CLUB, type: 'CLUB', parentId: STOCKHOLM_FF, federations: [], externalIds: [{ system: 's', id: '1' }] });
    });
  });
});
