import type { ActivityImportPayload, ParticipantImport, Reference } from '@stafett/contracts';
import type { KnownEntity, ProjectedEntity, ReferenceResolver } from '@stafett/entity-pipeline';
import type { ActivityState } from './activity.model';
import { validateActivityPayload, type ActivityValidationOptions } from './validate-activity';

const ORG = '00000000-0000-4000-8000-00000000000a';
const OTHER_ORG = '00000000-0000-4000-8000-00000000000b';
const GROUP = '00000000-0000-4000-8000-0000000000a1';
const FOREIGN_GROUP = '00000000-0000-4000-8000-0000000000b1';
const ANNA = '00000000-0000-4000-8000-000000000001';
const BERT = '00000000-0000-4000-8000-000000000002';
const CARL = '00000000-0000-4000-8000-000000000003';
const PNR = '201005172384';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const IMPORT: ActivityValidationOptions = { now: NOW, system: false };

/** A projection with two organisations, two groups and three persons (Carl also by link and personnummer). */
function fakeRefs(): ReferenceResolver<ActivityState> {
  const known: Record<string, KnownEntity> = {
    [GROUP]: { entity: 'group', id: GROUP, version: 1, type: null, organisationIds: [ORG] },
    [FOREIGN_GROUP]: { entity: 'group', id: FOREIGN_GROUP, version: 1, type: null, organisationIds: [OTHER_ORG] },
  };
  const ids: Record<ProjectedEntity, string[]> = { organisation: [ORG, OTHER_ORG], group: [GROUP, FOREIGN_GROUP], person: [ANNA, BERT, CARL], activity: [] };
  return {
    same: () => undefined,
    state: () => undefined,
    known: (entity, id) => (known[id]?.entity === entity ? known[id] : undefined),
    foreign: (entity: ProjectedEntity, ref: Reference) => {
      if (ref.id) return ids[entity].includes(ref.id) ? ref.id : undefined;
      if (entity === 'person' && ref.system === 'club' && ref.externalId === 'carl') return CARL;
      if (entity === 'person' && ref.personalIdentityNumber === PNR) return CARL;
      if (entity === 'organisation' && ref.system === 'rf' && ref.externalId === 'club-1') return ORG;
      return undefined;
    },
  };
}

const at = (iso: string) => new Date(iso);

function newTraining(overrides: Partial<ActivityImportPayload> = {}): ActivityImportPayload {
  return {
    organisation: { id: ORG },
    type: 'TRAINING',
    title: '  Träning   P12 ',
    startsAt: at('2026-12-01T17:00:00Z'),
    endsAt: at('2026-12-01T18:30:00Z'),
    ...overrides,
  };
}

function stored(overrides: Partial<ActivityState> = {}): ActivityState {
  return {
    id: '00000000-0000-4000-8000-0000000000ff',
    organisationId: ORG,
    groupId: null,
    type: 'TRAINING',
    title: 'Träning P12',
    sport: null,
    startsAt: '2026-11-30T10:00:00.000Z',
    endsAt: '2026-11-30T11:00:00.000Z',
    location: null,
    status: 'PLANNED',
    participants: [
      { personId: ANNA, role: 'LEADER', attended: false },
      { personId: BERT, role: 'PARTICIPANT', attended: false },
    ],
    externalIds: [],
    ...overrides,
  };
}

const validate = (payload: ActivityImportPayload, existing?: ActivityState, options = IMPORT) => validateActivityPayload(payload, existing, fakeRefs(), options);

describe(validateActivityPayload.name, () => {
  describe('a new activity', () => {
    it('should normalize the title, store instants as ISO UTC and default the status to PLANNED', () => {
      expect(validate(newTraining())).toEqual({
        patch: { organisationId: ORG, type: 'TRAINING', title: 'Träning P12', startsAt: '2026-12-01T17:00:00.000Z', endsAt: '2026-12-01T18:30:00.000Z', status: 'PLANNED' },
      });
    });

    it('should name every missing required field', () => {
      expect(validate({ title: 'x' }).errors).toEqual([
        { code: 'REQUIRED', field: 'organisation', message: expect.any(String) },
        { code: 'REQUIRED', field: 'type', message: expect.any(String) },
        { code: 'REQUIRED', field: 'startsAt', message: expect.any(String) },
        { code: 'REQUIRED', field: 'endsAt', message: expect.any(String) },
      ]);
    });

    it('should resolve the organisation by external id', () => {
      expect(validate(newTraining({ organisation: { system: 'rf', externalId: 'club-1' } })).patch).toMatchObject({ organisationId: ORG });
    });

    it('should refuse a blank title', () => {
      expect(validate(newTraining({ title: '   ' })).errors).toEqual([{ code: 'REQUIRED', field: 'title', message: expect.any(String) }]);
    });

    it('should refuse an invalid instant', () => {
      expect(validate(newTraining({ startsAt: new Date('nope') })).errors).toEqual([{ code: 'INVALID_DATE', field: 'startsAt', message: expect.any(String) }]);
    });
  });

  describe('time range', () => {
    it('should refuse an end before the start with INVALID_TIME_RANGE on endsAt', () => {
      expect(validate(newTraining({ endsAt: at('2026-12-01T16:00:00Z') })).errors).toEqual([
        { code: 'INVALID_TIME_RANGE', field: 'endsAt', message: 'endsAt must be after startsAt.' },
      ]);
    });

    it('should refuse an end equal to the start', () => {
      expect(validate(newTraining({ endsAt: at('2026-12-01T17:00:00Z') })).errors).toMatchObject([{ code: 'INVALID_TIME_RANGE', field: 'endsAt' }]);
    });

    it('should refuse a training longer than 24 hours with TOO_LONG_DURATION on endsAt', () => {
      expect(validate(newTraining({ endsAt: at('2026-12-02T17:00:01Z') })).errors).toMatchObject([{ code: 'TOO_LONG_DURATION', field: 'endsAt' }]);
    });

    it('should take exactly 24 hours for a training', () => {
      expect(validate(newTraining({ endsAt: at('2026-12-02T17:00:00Z') })).errors).toBeUndefined();
    });

    it('should take a CAMP of several days', () => {
      expect(validate(newTraining({ type: 'CAMP', endsAt: at('2026-12-05T12:00:00Z') })).patch).toMatchObject({ type: 'CAMP', endsAt: '2026-12-05T12:00:00.000Z' });
    });

    it('should judge a changed end against the stored start', () => {
      expect(validate({ endsAt: at('2026-11-30T09:00:00Z') }, stored()).errors).toMatchObject([{ code: 'INVALID_TIME_RANGE', field: 'endsAt' }]);
    });

    it('should refuse turning a long CAMP into a TRAINING', () => {
      const camp = stored({ type: 'CAMP', endsAt: '2026-12-03T10:00:00.000Z' });
      expect(validate({ type: 'TRAINING' }, camp).errors).toMatchObject([{ code: 'TOO_LONG_DURATION', field: 'endsAt' }]);
    });
  });

  describe('status', () => {
    it.each([['HELD'], ['CANCELLED']] as const)('should let a PLANNED activity become %s', (status) => {
      expect(validate({ status }, stored()).patch).toEqual({ status });
    });

    it.each([
      ['HELD', 'PLANNED'],
      ['HELD', 'CANCELLED'],
      ['CANCELLED', 'PLANNED'],
      ['CANCELLED', 'HELD'],
    ] as const)('should refuse %s → %s with INVALID_STATUS_TRANSITION on status', (from, to) => {
      expect(validate({ status: to }, stored({ status: from })).errors).toMatchObject([{ code: 'INVALID_STATUS_TRANSITION', field: 'status' }]);
    });

    it('should refuse only the transition when a HELD activity with attendance is cancelled', () => {
      const held = stored({ status: 'HELD', participants: [{ personId: ANNA, role: 'LEADER', attended: true }] });
      expect(validate({ status: 'CANCELLED' }, held).errors).toMatchObject([{ code: 'INVALID_STATUS_TRANSITION', field: 'status' }]);
    });

    it('should take a final status repeated (an import sent twice)', () => {
      expect(validate({ status: 'HELD', title: 'Ny titel' }, stored({ status: 'HELD' })).patch).toEqual({ status: 'HELD', title: 'Ny titel' });
    });

    it('should create an activity that is already HELD', () => {
      expect(validate(newTraining({ status: 'HELD' })).patch).toMatchObject({ status: 'HELD' });
    });
  });

  describe('participants', () => {
    it('should resolve persons by id, external id and personnummer, attended false by default', () => {
      const result = validate(
        newTraining({
          participants: [
            { person: { id: ANNA }, role: 'LEADER', attended: false },
            { person: { system: 'club', externalId: 'carl' }, role: 'PARTICIPANT' },
          ],
        }),
      );
      expect(result.patch?.participants).toEqual([
        { personId: ANNA, role: 'LEADER', attended: false },
        { personId: CARL, role: 'PARTICIPANT', attended: false },
      ]);
    });

    it('should name the exact participant that is unknown, and never quote a personnummer', () => {
      const participants: ParticipantImport[] = [ANNA, BERT, CARL].map((id) => ({ person: { id }, role: 'PARTICIPANT', attended: false }));
      participants.push({ person: { personalIdentityNumber: '199001011234' }, role: 'PARTICIPANT', attended: false });
      participants.push({ person: { id: '00000000-0000-4000-8000-00000000dead' }, role: 'PARTICIPANT', attended: false });
      const errors = validate(newTraining({ participants })).errors;
      expect(errors).toEqual([
        { code: 'UNKNOWN_REFERENCE', field: 'participants[3].person', message: expect.any(String) },
        { code: 'UNKNOWN_REFERENCE', field: 'participants[4].person', message: expect.any(String) },
      ]);
      expect(JSON.stringify(errors)).not.toContain('199001011234');
    });

    it('should refuse a person twice, even referenced two ways, with DUPLICATE_PARTICIPANT', () => {
      const errors = validate(
        newTraining({
          participants: [
            { person: { id: CARL }, role: 'LEADER', attended: false },
            { person: { personalIdentityNumber: PNR }, role: 'PARTICIPANT', attended: false },
          ],
        }),
      ).errors;
      expect(errors).toEqual([{ code: 'DUPLICATE_PARTICIPANT', field: 'participants[1].person', message: expect.any(String) }]);
      expect(JSON.stringify(errors)).not.toContain(PNR);
    });

    it('should refuse attendance before the start of a PLANNED activity', () => {
      const errors = validate(newTraining({ participants: [{ person: { id: ANNA }, role: 'LEADER', attended: true }] })).errors;
      expect(errors).toEqual([{ code: 'ATTENDANCE_NOT_POSSIBLE', field: 'participants[0].attended', message: expect.any(String) }]);
    });

    it('should take attendance once a PLANNED activity has started', () => {
      const result = validate({ participants: [{ person: { id: ANNA }, role: 'LEADER', attended: true }] }, stored());
      expect(result.patch?.participants).toEqual([{ personId: ANNA, role: 'LEADER', attended: true }]);
    });

    it('should take attendance of a HELD activity whatever its start', () => {
      const future = newTraining({ status: 'HELD', participants: [{ person: { id: ANNA }, role: 'LEADER', attended: true }] });
      expect(validate(future).errors).toBeUndefined();
    });

    it('should refuse attendance of a CANCELLED activity', () => {
      const errors = validate({ participants: [{ person: { id: ANNA }, role: 'LEADER', attended: true }] }, stored({ status: 'CANCELLED' })).errors;
      expect(errors).toMatchObject([{ code: 'ATTENDANCE_NOT_POSSIBLE', field: 'participants[0].attended' }]);
    });

    it('should refuse cancelling an activity with recorded attendance', () => {
      const held = stored({ participants: [{ personId: ANNA, role: 'LEADER', attended: true }] });
      expect(validate({ status: 'CANCELLED' }, held).errors).toMatchObject([{ code: 'ATTENDANCE_NOT_POSSIBLE', field: 'participants[0].attended' }]);
    });

    it('should clear participants through clearFields', () => {
      expect(validate({ clearFields: ['participants'] }, stored()).patch).toEqual({ participants: [] });
    });
  });

  describe('organisation and group', () => {
    it('should refuse an unknown organisation with UNKNOWN_REFERENCE on organisation', () => {
      expect(validate(newTraining({ organisation: { system: 'rf', externalId: 'nope' } })).errors).toMatchObject([{ code: 'UNKNOWN_REFERENCE', field: 'organisation' }]);
    });

    it('should refuse an unknown group with UNKNOWN_REFERENCE on group', () => {
      expect(validate(newTraining({ group: { id: '00000000-0000-4000-8000-00000000dead' } })).errors).toMatchObject([{ code: 'UNKNOWN_REFERENCE', field: 'group' }]);
    });

    it("should take a group of the activity's organisation", () => {
      expect(validate(newTraining({ group: { id: GROUP } })).patch).toMatchObject({ groupId: GROUP });
    });

    it('should refuse a group of another organisation with GROUP_OF_OTHER_ORGANISATION', () => {
      expect(validate(newTraining({ group: { id: FOREIGN_GROUP } })).errors).toMatchObject([{ code: 'GROUP_OF_OTHER_ORGANISATION', field: 'group' }]);
    });

    it('should refuse moving an activity to another organisation than its group', () => {
      expect(validate({ organisation: { id: OTHER_ORG } }, stored({ groupId: GROUP })).errors).toMatchObject([{ code: 'GROUP_OF_OTHER_ORGANISATION', field: 'group' }]);
    });

    it('should clear the group through clearFields, and refuse clearing a required field', () => {
      expect(validate({ clearFields: ['group'] }, stored({ groupId: GROUP })).patch).toEqual({ groupId: null });
      expect(validate({ clearFields: ['title'] }, stored()).errors).toMatchObject([{ code: 'REQUIRED', field: 'title' }]);
    });
  });

  describe('a system command (a referenced person was removed)', () => {
    const SYSTEM: ActivityValidationOptions = { now: NOW, system: true };
    const held = stored({
      status: 'HELD',
      startsAt: '2027-01-01T10:00:00.000Z',
      endsAt: '2027-01-01T11:00:00.000Z',
      participants: [
        { personId: ANNA, role: 'LEADER', attended: true },
        { personId: '00000000-0000-4000-8000-00000000e4a5', role: 'PARTICIPANT', attended: true },
      ],
    });

    it('should keep the remaining participants of a HELD activity without resolving them again', () => {
      const refs = { ...fakeRefs(), foreign: () => undefined };
      const result = validateActivityPayload({ participants: [{ person: { id: ANNA }, role: 'LEADER', attended: true }] }, held, refs, SYSTEM);
      expect(result).toEqual({ patch: { participants: [{ personId: ANNA, role: 'LEADER', attended: true }] } });
    });

    it('should still refuse a person that was not a participant', () => {
      const refs = { ...fakeRefs(), foreign: () => undefined };
      const result = validateActivityPayload({ participants: [{ person: { id: BERT }, role: 'LEADER', attended: false }] }, held, refs, SYSTEM);
      expect(result.errors).toMatchObject([{ code: 'UNKNOWN_REFERENCE', field: 'participants[0].person' }]);
    });
  });
});
