/**
 * The activity service end to end on the real broker, registry and Postgres: the organisation,
 * person and group state topics feed its projections, import records come in, the rules apply, and
 * events, state and results go out (the activity module as a service runs it).
 */
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Person } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { ActivityModule } from './activity.module';
import { club, member, training, trainingGroup } from './test/activity-factory';
import { createActivityTestApp } from './test/activity-test-app';
import { ActivityTopicsHarness } from './test/activity-topics.harness';

/** How long the service parks a record for a missing reference before rejecting it (short, for the test). */
const REFERENCE_WAIT_MS = 4_000;

describe(ActivityModule.name, () => {
  const prefix = `${uniqueId('activity')}.`;
  const topics = new ActivityTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;

  const org = club();
  const otherOrg = club({ name: 'Andra klubben' });
  const group = trainingGroup(org.id);
  const persons: Person[] = Array.from({ length: 5 }, (_, i) => member(i, org.id, { externalIds: [{ system: 'club-system', id: `m-${i}` }] }));
  const [anna, bert, carl, dina, erik] = persons;

  /** Waits until the service's projections hold these entities (their state topics are read asynchronously). */
  const known = (ids: string[]) =>
    waitFor(`${ids.length} entities in the activity projections`, async () => {
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM activity.known_entity WHERE id = ANY($1::uuid[])', [ids]);
      return Number(n) === ids.length ? true : undefined;
    });

  const importOne = async (externalId: string, payload: Parameters<typeof topics.importRecords>[1][number]['payload'], op: 'UPSERT' | 'DELETE' = 'UPSERT') => {
    const [record] = await topics.importRecords('club-system', [{ externalId, payload, op }]);
    return { record, result: (await topics.resultsOf([record])).get(record.recordId)! };
  };

  beforeAll(async () => {
    app = await createActivityTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_REFERENCE_WAIT_MS: String(REFERENCE_WAIT_MS) }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    await topics.publishState('organisation', org.id, org);
    await topics.publishState('organisation', otherOrg.id, otherOrg);
    await topics.publishState('group', group.id, group);
    for (const p of persons) await topics.publishState('person', p.id, p);
    await known([org.id, otherOrg.id, group.id, ...persons.map((p) => p.id)]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  describe('a training with participants', () => {
    let id: string;

    it('should create it: CREATED, a CREATE event and the state, participants resolved by id and by link', async () => {
      const { record, result } = await importOne(
        'act-1',
        training(org.id, '2027-03-02T17:00:00Z', {
          group: { id: group.id },
          sport: 'fotboll',
          location: 'Vallhallahallen',
          participants: [
            { person: { id: anna.id }, role: 'LEADER', attended: false },
            { person: { system: 'club-system', externalId: 'm-1' }, role: 'PARTICIPANT', attended: false },
          ],
        }),
      );
      expect(result).toMatchObject({ outcome: 'CREATED', entityType: 'activity', externalId: 'act-1', version: 1, reasons: [] });
      id = result.entityId!;
      const event = await topics.eventOf(id, 'CREATE');
      expect(event).toMatchObject({ version: 1, causationId: record.recordId, source: { system: 'club-system' }, before: null });
      expect(event.after).toEqual({
        id,
        organisationId: org.id,
        groupId: group.id,
        type: 'TRAINING',
        title: 'Träning',
        sport: 'fotboll',
        startsAt: new Date('2027-03-02T17:00:00Z'),
        endsAt: new Date('2027-03-02T18:30:00Z'),
        location: 'Vallhallahallen',
        status: 'PLANNED',
        participants: [
          { personId: anna.id, role: 'LEADER', attended: false },
          { personId: bert.id, role: 'PARTICIPANT', attended: false },
        ],
        externalIds: [{ system: 'club-system', id: 'act-1' }],
      });
      const state = await waitFor('the state', () => topics.state.find((s) => s.message.key?.toString() === id)?.value);
      expect(state).toEqual(event.after);
    });

    it('should emit nothing for the same record again: UNCHANGED', async () => {
      const eventsBefore = topics.events.filter((e) => e.value.entityId === id).length;
      const { result } = await importOne(
        'act-1',
        training(org.id, '2027-03-02T17:00:00Z', {
          group: { id: group.id },
          sport: 'fotboll',
          location: 'Vallhallahallen',
          participants: [
            { person: { id: anna.id }, role: 'LEADER', attended: false },
            { person: { system: 'club-system', externalId: 'm-1' }, role: 'PARTICIPANT', attended: false },
          ],
        }),
      );
      expect(result).toMatchObject({ outcome: 'UNCHANGED', entityId: id, version: 1 });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(topics.events.filter((e) => e.value.entityId === id)).toHaveLength(eventsBefore);
    });

    it('should refuse HELD → PLANNED after it was held, naming status', async () => {
      const held = await importOne('act-1', { status: 'HELD', participants: [{ person: { id: anna.id }, role: 'LEADER', attended: true }] });
      expect(held.result).toMatchObject({ outcome: 'UPDATED', version: 2 });
      const event = await topics.eventOf(id, 'UPDATE');
      expect(event.changedFields).toEqual(['status', 'participants']);
      const back = await importOne('act-1', { status: 'PLANNED' });
      expect(back.result).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'INVALID_STATUS_TRANSITION', field: 'status', message: expect.any(String) }] });
    });

    it('should delete it: DELETED, a DELETE event and a tombstone', async () => {
      const { result } = await importOne('act-1', null, 'DELETE');
      expect(result).toMatchObject({ outcome: 'DELETED', entityId: id, version: 3 });
      const deleted = await topics.eventOf(id, 'DELETE');
      expect(deleted).toMatchObject({ version: 3, after: null, before: { id, status: 'HELD' } });
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === id && s.value === null));
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM activity.participant WHERE activity_id = $1', [id]);
      expect(n).toBe('0');
    });
  });

  it('should take a CAMP of several days', async () => {
    const camp = training(org.id, '2027-07-01T08:00:00Z', { type: 'CAMP', title: 'Sommarläger', endsAt: new Date('2027-07-04T15:00:00Z') });
    expect((await importOne('camp-1', camp)).result).toMatchObject({ outcome: 'CREATED', version: 1 });
  });

  it('should reject invalid records naming field and code, and store nothing of them', async () => {
    const start = '2027-04-01T17:00:00Z';
    const cases = [
      { externalId: 'bad-range', payload: training(org.id, start, { endsAt: new Date('2027-04-01T16:00:00Z') }), field: 'endsAt', code: 'INVALID_TIME_RANGE' },
      { externalId: 'bad-long', payload: training(org.id, start, { endsAt: new Date('2027-04-02T18:00:00Z') }), field: 'endsAt', code: 'TOO_LONG_DURATION' },
      {
        externalId: 'bad-dup',
        payload: training(org.id, start, {
          participants: [
            { person: { id: carl.id }, role: 'LEADER', attended: false },
            { person: { system: 'club-system', externalId: 'm-2' }, role: 'PARTICIPANT', attended: false },
          ],
        }),
        field: 'participants[1].person',
        code: 'DUPLICATE_PARTICIPANT',
      },
      {
        externalId: 'bad-attended',
        payload: training(org.id, start, { participants: [{ person: { id: dina.id }, role: 'LEADER', attended: true }] }),
        field: 'participants[0].attended',
        code: 'ATTENDANCE_NOT_POSSIBLE',
      },
      { externalId: 'bad-group', payload: training(otherOrg.id, start, { group: { id: group.id } }), field: 'group', code: 'GROUP_OF_OTHER_ORGANISATION' },
      { externalId: 'bad-title', payload: training(org.id, start, { title: '  ' }), field: 'title', code: 'REQUIRED' },
    ];
    const records = await topics.importRecords(
      'club-system',
      cases.map((c) => ({ externalId: c.externalId, payload: c.payload })),
    );
    const results = await topics.resultsOf(records);
    records.forEach((r, i) => {
      expect({ externalId: cases[i].externalId, result: results.get(r.recordId) }).toMatchObject({
        externalId: cases[i].externalId,
        result: { outcome: 'REJECTED', entityId: null, reasons: [{ code: cases[i].code, field: cases[i].field, message: expect.any(String) }] },
      });
    });
    const [{ n }] = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM activity.external_id WHERE system = 'club-system' AND external_id LIKE 'bad-%'`);
    expect(n).toBe('0');
  });

  it('should resolve a participant by personnummer, and name an unknown one without quoting it', async () => {
    const pnr = makePersonnummer({ birthDate: '2013-02-11', sex: 'FEMALE', serial: 123 });
    const unknownPnr = makePersonnummer({ birthDate: '2013-02-12', sex: 'FEMALE', serial: 124 });
    const withPnr = member(30, org.id, { personalIdentityNumber: pnr });
    await topics.publishState('person', withPnr.id, withPnr);
    await known([withPnr.id]);
    const { result } = await importOne(
      'pnr-1',
      training(org.id, '2027-06-01T17:00:00Z', { participants: [{ person: { personalIdentityNumber: pnr }, role: 'PARTICIPANT', attended: false }] }),
    );
    expect(result).toMatchObject({ outcome: 'CREATED' });
    expect((await topics.eventOf(result.entityId!, 'CREATE')).after?.participants).toEqual([{ personId: withPnr.id, role: 'PARTICIPANT', attended: false }]);

    const rejected = await importOne(
      'pnr-2',
      training(org.id, '2027-06-02T17:00:00Z', {
        title: '   ',
        participants: [{ person: { personalIdentityNumber: unknownPnr }, role: 'PARTICIPANT', attended: false }],
      }),
    );
    // Refused for more than a missing reference: rejected at once, not parked.
    expect(rejected.result).toMatchObject({
      outcome: 'REJECTED',
      reasons: [
        { code: 'REQUIRED', field: 'title' },
        { code: 'UNKNOWN_REFERENCE', field: 'participants[0].person' },
      ],
    });
    expect(JSON.stringify(rejected.result)).not.toContain(unknownPnr.slice(0, 8));
  });

  describe('references that are not known yet', () => {
    it('should apply an activity imported before its participant exists once the person arrives', async () => {
      const late = member(10, org.id, { externalIds: [{ system: 'club-system', id: 'late-1' }] });
      const [record] = await topics.importRecords('club-system', [
        {
          externalId: 'parked-1',
          payload: training(org.id, '2027-05-01T17:00:00Z', {
            participants: [
              { person: { id: erik.id }, role: 'LEADER', attended: false },
              { person: { system: 'club-system', externalId: 'late-1' }, role: 'PARTICIPANT', attended: false },
            ],
          }),
        },
      ]);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(topics.results.find((r) => r.recordId === record.recordId)).toBeUndefined();
      await topics.publishState('person', late.id, late);
      const result = (await topics.resultsOf([record])).get(record.recordId)!;
      expect(result).toMatchObject({ outcome: 'CREATED', version: 1 });
      const event = await topics.eventOf(result.entityId!, 'CREATE');
      expect(event.after?.participants).toEqual([
        { personId: erik.id, role: 'LEADER', attended: false },
        { personId: late.id, role: 'PARTICIPANT', attended: false },
      ]);
    });

    it('should reject one whose participant never arrives with UNKNOWN_REFERENCE naming the missing reference', async () => {
      const [record] = await topics.importRecords('club-system', [
        {
          externalId: 'parked-2',
          payload: training(org.id, '2027-05-02T17:00:00Z', {
            participants: [
              { person: { id: erik.id }, role: 'LEADER', attended: false },
              { person: { system: 'club-system', externalId: 'never-1' }, role: 'PARTICIPANT', attended: false },
            ],
          }),
        },
      ]);
      const result = (await topics.resultsOf([record], REFERENCE_WAIT_MS + 60_000)).get(record.recordId);
      expect(result).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'UNKNOWN_REFERENCE', field: 'participants[1].person', message: expect.any(String) }] });
    });
  });

  describe('a removed person or group', () => {
    it('should take an erased person out of every activity: an UPDATE from source stafett, even of a HELD one', async () => {
      const leaving = member(20, org.id);
      await topics.publishState('person', leaving.id, leaving);
      await known([leaving.id]);
      const participants = [
        { person: { id: carl.id }, role: 'LEADER' as const, attended: true },
        { person: { id: leaving.id }, role: 'PARTICIPANT' as const, attended: true },
      ];
      const held = await importOne('erase-1', training(org.id, '2026-10-01T17:00:00Z', { status: 'HELD', participants }));
      const planned = await importOne('erase-2', training(org.id, '2027-10-01T17:00:00Z', { participants: [{ person: { id: leaving.id }, role: 'LEADER', attended: false }] }));
      expect([held.result.outcome, planned.result.outcome]).toEqual(['CREATED', 'CREATED']);

      await topics.publishState('person', leaving.id, null);

      const first = await topics.eventOf(held.result.entityId!, 'UPDATE');
      expect(first).toMatchObject({ version: 2, source: { system: 'stafett', actor: 'person-removed' }, changedFields: ['participants'], after: { status: 'HELD' } });
      expect(first.after?.participants).toEqual([{ personId: carl.id, role: 'LEADER', attended: true }]);
      const second = await topics.eventOf(planned.result.entityId!, 'UPDATE');
      expect(second.after?.participants).toEqual([]);
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM activity.participant WHERE person_id = $1', [leaving.id]);
      expect(n).toBe('0');
    });

    it("should clear the group of a deleted group's activities", async () => {
      const doomed = trainingGroup(org.id, { name: 'F10' });
      await topics.publishState('group', doomed.id, doomed);
      await known([doomed.id]);
      const { result } = await importOne('group-1', training(org.id, '2027-11-01T17:00:00Z', { group: { id: doomed.id } }));
      expect(result.outcome).toBe('CREATED');
      await topics.publishState('group', doomed.id, null);
      const event = await topics.eventOf(result.entityId!, 'UPDATE');
      expect(event).toMatchObject({ source: { system: 'stafett', actor: 'group-removed' }, changedFields: ['groupId'], after: { groupId: null, organisationId: org.id } });
    });
  });
});
