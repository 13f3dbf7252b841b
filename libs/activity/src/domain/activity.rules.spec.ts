import type { ActivityImportPayload } from '@stafett/contracts';
import type { EntityCommand, ReferenceResolver, Stored } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import type { ActivityRepository } from '../database/activity.repository';
import type { ActivityState } from './activity.model';
import { ActivityRules } from './activity.rules';

const ORG = '00000000-0000-4000-8000-00000000000a';
const GROUP = '00000000-0000-4000-8000-0000000000a1';
const ANNA = '00000000-0000-4000-8000-000000000001';
const ERASED = '00000000-0000-4000-8000-00000000e4a5';
const A1 = '00000000-0000-4000-8000-0000000000f1';
const A2 = '00000000-0000-4000-8000-0000000000f2';

const activity = (id: string, overrides: Partial<ActivityState> = {}): ActivityState => ({
  id,
  organisationId: ORG,
  groupId: GROUP,
  type: 'TRAINING',
  title: 'Träning',
  sport: null,
  startsAt: '2027-01-01T10:00:00.000Z',
  endsAt: '2027-01-01T11:00:00.000Z',
  location: null,
  status: 'PLANNED',
  participants: [],
  externalIds: [],
  ...overrides,
});

/** The repository as the rules use it (the SQL is exercised by the integration specs). */
function fakeRepository(activities: ActivityState[]): ActivityRepository {
  const byId = new Map(activities.map((a) => [a.id, a]));
  return {
    idsByParticipant: (_tx: SqlExecutor, persons: readonly string[]) =>
      Promise.resolve(activities.filter((a) => a.participants.some((p) => persons.includes(p.personId))).map((a) => a.id)),
    idsByGroup: (_tx: SqlExecutor, groups: readonly string[]) => Promise.resolve(activities.filter((a) => a.groupId && groups.includes(a.groupId)).map((a) => a.id)),
    load: (_tx: SqlExecutor, ids: readonly string[]) => Promise.resolve(new Map(ids.map((id): [string, Stored<ActivityState>] => [id, { state: byId.get(id)!, version: 3 }]))),
  } as unknown as ActivityRepository;
}

const noRefs: ReferenceResolver<ActivityState> = { same: () => undefined, foreign: () => undefined, state: () => undefined, known: () => undefined };
const tx: SqlExecutor = { query: () => Promise.reject(new Error('no SQL in this test')) };

describe(ActivityRules.name, () => {
  const held = activity(A1, {
    status: 'HELD',
    participants: [
      { personId: ANNA, role: 'LEADER', attended: true },
      { personId: ERASED, role: 'PARTICIPANT', attended: true },
    ],
  });
  const other = activity(A2, { groupId: null, participants: [{ personId: ERASED, role: 'LEADER', attended: false }] });
  const rules = new ActivityRules(fakeRepository([held, other]));

  describe('onForeignRemoved', () => {
    let commands: EntityCommand<ActivityImportPayload>[];

    beforeAll(async () => {
      commands = await rules.onForeignRemoved(tx, 'person', [ERASED]);
    });

    it('should give every activity of an erased person an UPSERT without that participant, from source stafett', () => {
      expect(commands).toEqual([
        {
          recordId: expect.any(String),
          batchId: expect.any(String),
          source: { system: 'stafett', connectorId: null, actor: 'person-removed' },
          externalId: null,
          targetId: A1,
          op: 'UPSERT',
          payload: { participants: [{ person: { id: ANNA }, role: 'LEADER', attended: true }] },
        },
        expect.objectContaining({ targetId: A2, payload: { participants: [] } }),
      ]);
    });

    it('should let such a command change a HELD activity (the status and attendance rules judge sources, not the platform)', async () => {
      const batch = await rules.prepare(tx, commands);
      const result = rules.validate(commands[0].payload!, held, noRefs, batch);
      expect(result).toEqual({ patch: { participants: [{ personId: ANNA, role: 'LEADER', attended: true }] } });
    });

    it('should not exempt the same payload sent by a source', async () => {
      const fromSource = { ...commands[0], source: { system: 'club-system' }, externalId: 'a-1' };
      const batch = await rules.prepare(tx, [fromSource]);
      expect(rules.validate(fromSource.payload!, held, noRefs, batch).errors).toMatchObject([{ code: 'UNKNOWN_REFERENCE', field: 'participants[0].person' }]);
    });

    it('should clear the group of the activities of a deleted group', async () => {
      const cleared = await rules.onForeignRemoved(tx, 'group', [GROUP]);
      expect(cleared).toEqual([expect.objectContaining({ targetId: A1, source: expect.objectContaining({ actor: 'group-removed' }), payload: { clearFields: ['group'] } })]);
      const batch = await rules.prepare(tx, cleared);
      expect(rules.validate(cleared[0].payload!, held, noRefs, batch)).toEqual({ patch: { groupId: null } });
    });

    it('should do nothing for an entity activities do not follow', async () => {
      expect(await rules.onForeignRemoved(tx, 'organisation', [ORG])).toEqual([]);
    });
  });

  describe('references', () => {
    it('should declare the organisation, the group and every participant as foreign references', () => {
      const refs = rules.foreignReferences({
        organisation: { system: 'rf', externalId: 'c1' },
        group: { id: GROUP },
        participants: [{ person: { personalIdentityNumber: '201005172384' }, role: 'PARTICIPANT', attended: false }],
      });
      expect(refs).toEqual([
        { entity: 'organisation', ref: { system: 'rf', externalId: 'c1' } },
        { entity: 'group', ref: { id: GROUP } },
        { entity: 'person', ref: { personalIdentityNumber: '201005172384' } },
      ]);
    });

    it('should have no natural key and belong to its organisation', () => {
      expect(rules.naturalKeyOf()).toBeUndefined();
      expect(rules.organisationsOf(held)).toEqual([ORG]);
    });
  });
});
