import type { GroupImportPayload, Reference } from '@stafett/contracts';
import { invalidLuhn, makePersonnummer } from '@stafett/domain';
import type { KnownEntity, ProjectedEntity, ReferenceResolver } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import { GroupRepository } from '../database/group.repository';
import type { GroupState } from './group.model';
import { GroupRules, PERSON_REMOVED_SOURCE } from './group.rules';

const ORG = '0a000000-0000-4000-8000-000000000001';
const ANNA = '0b000000-0000-4000-8000-000000000001';
const BO = '0b000000-0000-4000-8000-000000000002';
const CLARA = '0b000000-0000-4000-8000-000000000003';
/** A valid personnummer the projection knows as Clara's. */
const CLARA_PNR = makePersonnummer({ birthDate: '2010-05-17', serial: 238 });
const dashed = (pnr: string) => `${pnr.slice(0, 8)}-${pnr.slice(8)}`;

/** A fake projection: organisations and persons by id, by source link and (persons) by personnummer. */
function resolver(): ReferenceResolver<GroupState> & { asked: { entity: ProjectedEntity; ref: Reference }[] } {
  const ids: Record<string, Set<string>> = { organisation: new Set([ORG]), person: new Set([ANNA, BO, CLARA]) };
  const links: Record<string, string> = { 'organisation|idrottsonline|club-1': ORG, 'person|idrottsonline|m-2': BO };
  const pnrs: Record<string, string> = { [CLARA_PNR]: CLARA };
  const asked: { entity: ProjectedEntity; ref: Reference }[] = [];
  return {
    asked,
    same: () => undefined,
    state: () => undefined,
    known: (): KnownEntity | undefined => undefined,
    foreign: (entity, ref) => {
      asked.push({ entity, ref });
      if (ref.id) return ids[entity]?.has(ref.id) ? ref.id : undefined;
      if (ref.system && ref.externalId) return links[`${entity}|${ref.system}|${ref.externalId}`];
      if (ref.personalIdentityNumber && entity === 'person') return pnrs[ref.personalIdentityNumber];
      return undefined;
    },
  };
}

const member = (person: Reference, from = '2024-01-01', to: string | null = null, role: 'LEADER' | 'PARTICIPANT' = 'PARTICIPANT') => ({ person, role, from, to });
const newGroup = (overrides: Partial<GroupImportPayload> = {}): GroupImportPayload => ({
  organisation: { id: ORG },
  name: '  P15   Blå ',
  type: 'TEAM',
  sport: 'fotboll',
  members: [member({ id: ANNA }, '2024-01-01', null, 'LEADER')],
  status: null,
  clearFields: [],
  ...overrides,
});

const existing: GroupState = {
  id: '0c000000-0000-4000-8000-000000000001',
  organisationId: ORG,
  name: 'P15',
  type: 'TEAM',
  sport: null,
  members: [],
  status: 'ACTIVE',
  externalIds: [],
};

describe(GroupRules.name, () => {
  const sut = new GroupRules(new GroupRepository());
  const validate = (payload: GroupImportPayload, state?: GroupState) => sut.validate(payload, state, resolver());

  describe('validate', () => {
    it('should accept a new group: name normalized, organisation and members resolved, status ACTIVE by default', () => {
      const v = validate(newGroup());
      expect(v.errors).toBeUndefined();
      expect(sut.applyPatch('g1', undefined, v.patch!, [])).toEqual({
        id: 'g1',
        organisationId: ORG,
        name: 'P15 Blå',
        type: 'TEAM',
        sport: 'fotboll',
        members: [{ personId: ANNA, role: 'LEADER', from: '2024-01-01', to: null }],
        status: 'ACTIVE',
        externalIds: [],
      });
    });

    it('should name organisation, name and type as REQUIRED for a new group', () => {
      expect(validate({ members: null, clearFields: [] }).errors).toEqual([
        { code: 'REQUIRED', field: 'organisation', message: expect.any(String) },
        { code: 'REQUIRED', field: 'name', message: expect.any(String) },
        { code: 'REQUIRED', field: 'type', message: expect.any(String) },
      ]);
    });

    it('should let a change of an existing group leave the required fields out', () => {
      expect(validate({ sport: 'bandy', clearFields: [] }, existing)).toEqual({ patch: { sport: 'bandy' } });
    });

    it('should refuse a blank or too long name', () => {
      expect(validate(newGroup({ name: '   ' })).errors).toEqual([{ code: 'REQUIRED', field: 'name', message: expect.any(String) }]);
      expect(validate(newGroup({ name: 'x'.repeat(201) })).errors).toEqual([{ code: 'TOO_LONG', field: 'name', message: expect.any(String) }]);
    });

    it('should resolve the organisation by source link', () => {
      expect(validate(newGroup({ organisation: { system: 'idrottsonline', externalId: 'club-1' } })).patch).toMatchObject({ organisationId: ORG });
    });

    it('should answer UNKNOWN_REFERENCE on organisation for an organisation nobody knows', () => {
      expect(validate(newGroup({ organisation: { system: 'idrottsonline', externalId: 'club-x' } })).errors).toEqual([
        { code: 'UNKNOWN_REFERENCE', field: 'organisation', message: expect.any(String) },
      ]);
    });

    it('should refuse a personnummer as a reference to an organisation', () => {
      expect(validate(newGroup({ organisation: { personalIdentityNumber: CLARA_PNR } })).errors).toEqual([
        { code: 'INVALID_FORMAT', field: 'organisation', message: expect.any(String) },
      ]);
    });

    it('should resolve members by id, by source link and by personnummer (normalized)', () => {
      const v = validate(
        newGroup({
          members: [member({ id: ANNA.toUpperCase() }), member({ system: 'idrottsonline', externalId: 'm-2' }), member({ personalIdentityNumber: dashed(CLARA_PNR) })],
        }),
      );
      expect(v.patch?.members?.map((m) => m.personId)).toEqual([ANNA, BO, CLARA]);
    });

    it('should name the exact member whose person is unknown, never quoting the personnummer', () => {
      const unknownPnr = makePersonnummer({ birthDate: '2011-03-02', serial: 17 });
      const v = validate(
        newGroup({ members: [member({ id: ANNA }), member({ id: BO }), member({ system: 's', externalId: 'nobody' }), member({ personalIdentityNumber: unknownPnr })] }),
      );
      expect(v.errors).toEqual([
        { code: 'UNKNOWN_REFERENCE', field: 'members[2].person', message: expect.any(String) },
        { code: 'UNKNOWN_REFERENCE', field: 'members[3].person', message: expect.any(String) },
      ]);
      expect(JSON.stringify(v.errors)).not.toContain(unknownPnr.slice(2));
    });

    it('should refuse an invalid personnummer in a reference by its field, without echoing it', () => {
      const v = validate(newGroup({ members: [member({ personalIdentityNumber: invalidLuhn(CLARA_PNR) })] }));
      expect(v.errors).toEqual([{ code: 'INVALID_CHECKSUM', field: 'members[0].person.personalIdentityNumber', message: expect.any(String) }]);
      expect(JSON.stringify(v.errors)).not.toContain(CLARA_PNR.slice(2, 10));
    });

    it('should refuse a reference with two forms or none', () => {
      expect(validate(newGroup({ members: [member({ id: ANNA, personalIdentityNumber: CLARA_PNR })] })).errors).toEqual([
        { code: 'INVALID_FORMAT', field: 'members[0].person', message: expect.any(String) },
      ]);
      expect(validate(newGroup({ members: [member({})] })).errors).toEqual([{ code: 'REQUIRED', field: 'members[0].person', message: expect.any(String) }]);
      expect(validate(newGroup({ members: [member({ system: 'idrottsonline' })] })).errors).toEqual([
        { code: 'REQUIRED', field: 'members[0].person.externalId', message: expect.any(String) },
      ]);
    });

    it('should refuse an unknown role', () => {
      const v = validate(newGroup({ members: [{ person: { id: ANNA }, role: 'COACH' as 'LEADER', from: '2024-01-01', to: null }] }));
      expect(v.errors).toEqual([{ code: 'INVALID_ENUM', field: 'members[0].role', message: expect.any(String) }]);
    });

    it('should refuse a date that is not in the calendar, and an end before the start', () => {
      const v = validate(newGroup({ members: [member({ id: ANNA }, '2023-02-29'), member({ id: BO }, '2024-05-01', '2024-04-30')] }));
      expect(v.errors).toEqual([
        { code: 'INVALID_DATE', field: 'members[0].from', message: expect.any(String) },
        { code: 'INVALID_DATE', field: 'members[1].to', message: 'A membership cannot end before it starts.' },
      ]);
    });

    it('should accept a membership of one day (to = from)', () => {
      expect(validate(newGroup({ members: [member({ id: ANNA }, '2024-05-01', '2024-05-01')] })).errors).toBeUndefined();
    });

    it('should let a person be a member again after a period that ended', () => {
      const v = validate(newGroup({ members: [member({ id: ANNA }, '2023-01-01', '2023-06-30', 'LEADER'), member({ id: ANNA }, '2023-07-01')] }));
      expect(v.errors).toBeUndefined();
      expect(v.patch?.members).toHaveLength(2);
    });

    it('should refuse overlapping periods of one person with OVERLAPPING_MEMBERSHIP on the later member', () => {
      const v = validate(
        newGroup({
          members: [member({ id: ANNA }, '2023-01-01', '2023-06-30'), member({ id: BO }), member({ personalIdentityNumber: CLARA_PNR }), member({ id: ANNA }, '2023-06-30')],
        }),
      );
      expect(v.errors).toEqual([{ code: 'OVERLAPPING_MEMBERSHIP', field: 'members[3]', message: expect.stringContaining('members[0]') }]);
    });

    it('should see an open-ended period as overlapping every later one', () => {
      const v = validate(newGroup({ members: [member({ id: ANNA }, '2020-01-01'), member({ id: ANNA }, '2030-01-01', '2030-12-31')] }));
      expect(v.errors).toEqual([{ code: 'OVERLAPPING_MEMBERSHIP', field: 'members[1]', message: expect.any(String) }]);
    });

    it('should clear sport and members, and refuse to clear a required field', () => {
      expect(validate({ clearFields: ['sport', 'members'] }, existing)).toEqual({ patch: { sport: null, members: [] } });
      expect(validate({ clearFields: ['name'] }, existing).errors).toEqual([{ code: 'REQUIRED', field: 'name', message: expect.any(String) }]);
    });
  });

  describe('foreignReferences', () => {
    it('should declare the organisation and every member, normalized', () => {
      expect(sut.foreignReferences(newGroup({ members: [member({ id: ANNA }), member({ personalIdentityNumber: dashed(CLARA_PNR) })] }))).toEqual([
        { entity: 'organisation', ref: { id: ORG } },
        { entity: 'person', ref: { id: ANNA } },
        { entity: 'person', ref: { personalIdentityNumber: CLARA_PNR } },
      ]);
    });
  });

  it('should say a group belongs to its organisation', () => {
    expect(sut.organisationsOf(existing)).toEqual([ORG]);
  });

  describe('onForeignRemoved', () => {
    /** A fake transaction that answers the member query with rows of two groups, and records what it was asked. */
    const fakeTx = () => {
      const queries: { sql: string; params: unknown[] }[] = [];
      const tx: SqlExecutor = {
        query: async (sql: string, params: unknown[] = []) => {
          queries.push({ sql, params });
          return {
            rows: [
              { group_id: 'g-1', person_id: ANNA, role: 'LEADER', valid_from: '2024-01-01', valid_to: null },
              { group_id: 'g-1', person_id: BO, role: 'PARTICIPANT', valid_from: '2024-01-01', valid_to: '2024-06-30' },
              { group_id: 'g-1', person_id: ANNA, role: 'PARTICIPANT', valid_from: '2023-01-01', valid_to: '2023-12-31' },
              { group_id: 'g-2', person_id: ANNA, role: 'PARTICIPANT', valid_from: '2024-02-01', valid_to: null },
            ],
          };
        },
      };
      return { tx, queries };
    };

    it('should give each group of a removed person an UPSERT with the remaining members, from source stafett / person-removed', async () => {
      const { tx, queries } = fakeTx();
      const commands = await sut.onForeignRemoved(tx, 'person', [ANNA]);
      expect(queries).toHaveLength(1);
      expect(queries[0].sql).toMatch(/FROM "group"\.member\s+WHERE group_id IN \(SELECT group_id FROM "group"\.member WHERE person_id = ANY\(\$1::uuid\[\]\)\)/);
      expect(queries[0].params).toEqual([[ANNA]]);
      expect(commands).toEqual([
        {
          recordId: expect.any(String),
          batchId: expect.any(String),
          source: PERSON_REMOVED_SOURCE,
          externalId: null,
          targetId: 'g-1',
          op: 'UPSERT',
          payload: { members: [{ person: { id: BO }, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' }], clearFields: [] },
        },
        expect.objectContaining({ targetId: 'g-2', op: 'UPSERT', payload: { members: [], clearFields: [] } }),
      ]);
      expect(commands[0].source).toEqual({ system: 'stafett', connectorId: null, actor: 'person-removed' });
    });

    it('should validate its own commands: the remaining members resolve by id', async () => {
      const { tx } = fakeTx();
      const [command] = await sut.onForeignRemoved(tx, 'person', [ANNA]);
      expect(sut.validate(command.payload!, { ...existing, id: 'g-1' }, resolver())).toEqual({
        patch: { members: [{ personId: BO, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' }] },
      });
    });

    it('should do nothing (and ask nothing) for organisations, or no ids', async () => {
      const { tx, queries } = fakeTx();
      expect(await sut.onForeignRemoved(tx, 'organisation', [ORG])).toEqual([]);
      expect(await sut.onForeignRemoved(tx, 'person', [])).toEqual([]);
      expect(queries).toEqual([]);
    });
  });
});
