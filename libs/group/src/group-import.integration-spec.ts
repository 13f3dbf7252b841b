/**
 * The group service end to end on the real broker, registry and Postgres: organisations and persons
 * arrive on their state topics (as their services publish them) and are projected; group import
 * records in, rules applied, events, state and results out; a person's tombstone ends their memberships.
 */
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { GroupImportPayload, Organisation, Person } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { GroupModule } from './group.module';
import { club, projectedPerson } from './test/group-factory';
import { GroupTopicsHarness } from './test/group-topics.harness';
import { createGroupTestApp } from './test/group-test-app';

describe(GroupModule.name, () => {
  const prefix = `${uniqueId('group')}.`;
  const topics = new GroupTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;
  let org: Organisation;
  let anna: Person;
  let bo: Person;
  let clara: Person;

  /** Waits until the service's projections know these entities (their rows in the group schema's projection). */
  const projected = (ids: string[]) =>
    waitFor(`${ids.length} projected entities`, async () => {
      const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM "group".known_entity WHERE id = ANY($1::uuid[])', [ids]);
      return n === ids.length ? true : undefined;
    });

  const group = (overrides: Partial<GroupImportPayload> = {}): GroupImportPayload => ({
    organisation: { system: 'idrottsonline', externalId: org.externalIds![0].id },
    name: 'P15 Blå',
    type: 'TEAM',
    sport: 'fotboll',
    members: [
      { person: { id: anna.id }, role: 'LEADER', from: '2024-01-01', to: null },
      { person: { system: 'idrottsonline', externalId: bo.externalIds![0].id }, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' },
      { person: { personalIdentityNumber: clara.personalIdentityNumber }, role: 'PARTICIPANT', from: '2024-03-01', to: null },
    ],
    status: null,
    clearFields: [],
    ...overrides,
  });

  beforeAll(async () => {
    // A short wait for missing references, so that the bounded wait ends within the test.
    app = await createGroupTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_REFERENCE_WAIT_MS: '5000' }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
    org = club({ externalIds: [{ system: 'idrottsonline', id: uniqueId('club') }] });
    anna = projectedPerson();
    bo = projectedPerson({ externalIds: [{ system: 'idrottsonline', id: uniqueId('member') }] });
    clara = projectedPerson();
    await topics.publishOrganisations([org]);
    await topics.publishPersons([anna, bo, clara]);
    await projected([org.id, anna.id, bo.id, clara.id]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  describe('an import with members by id, by external id and by personnummer', () => {
    let groupId: string;

    it('should create the group: CREATED result, a CREATE event and the state, members resolved from the person projection', async () => {
      const [record] = await topics.importRecords('idrottsonline', [{ externalId: 'grp-1', payload: group() }]);
      const result = (await topics.resultsOf([record])).get(record.recordId)!;
      expect(result).toMatchObject({ outcome: 'CREATED', entityType: 'group', externalId: 'grp-1', version: 1, reasons: [] });
      groupId = result.entityId!;
      const [event] = await topics.eventsOf(groupId, 1);
      expect(event).toMatchObject({ op: 'CREATE', version: 1, before: null, causationId: record.recordId, source: { system: 'idrottsonline' } });
      expect(event.after).toEqual({
        id: groupId,
        organisationId: org.id,
        name: 'P15 Blå',
        type: 'TEAM',
        sport: 'fotboll',
        members: [
          { personId: anna.id, role: 'LEADER', from: '2024-01-01', to: null },
          { personId: bo.id, role: 'PARTICIPANT', from: '2024-01-01', to: '2024-06-30' },
          { personId: clara.id, role: 'PARTICIPANT', from: '2024-03-01', to: null },
        ],
        status: 'ACTIVE',
        externalIds: [{ system: 'idrottsonline', id: 'grp-1' }],
      });
      const state = await waitFor('the group state', () => topics.state.find((s) => s.message.key?.toString() === groupId)?.value);
      expect(state).toEqual(event.after);
    });

    it('should answer UNCHANGED and publish nothing when the same record comes again', async () => {
      const eventsBefore = topics.events.length;
      const [again] = await topics.importRecords('idrottsonline', [{ externalId: 'grp-1', payload: group() }]);
      expect((await topics.resultsOf([again])).get(again.recordId)).toMatchObject({ outcome: 'UNCHANGED', entityId: groupId, version: 1 });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(topics.events.length).toBe(eventsBefore);
    });

    it('should end the memberships of a person whose tombstone arrives: a group UPDATE without them, from stafett / person-removed', async () => {
      await topics.removePerson(bo.id);
      const [, update] = await topics.eventsOf(groupId, 2);
      expect(update).toMatchObject({ op: 'UPDATE', version: 2, changedFields: ['members'], source: { system: 'stafett', actor: 'person-removed' } });
      expect(update.after!.members!.map((m) => m.personId)).toEqual([anna.id, clara.id]);
      const rows = await db.query<{ person_id: string }[]>('SELECT person_id FROM "group".member WHERE group_id = $1 ORDER BY position', [groupId]);
      expect(rows.map((r) => r.person_id)).toEqual([anna.id, clara.id]);
    });

    it('should delete the group on a DELETE record: DELETED, a DELETE event and a tombstone', async () => {
      const [record] = await topics.importRecords('idrottsonline', [{ externalId: 'grp-1', payload: null, op: 'DELETE' }]);
      expect((await topics.resultsOf([record])).get(record.recordId)).toMatchObject({ outcome: 'DELETED', entityId: groupId, version: 3 });
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === groupId && s.value === null));
      const rows = await db.query<unknown[]>('SELECT 1 FROM "group"."group" WHERE id = $1 UNION ALL SELECT 1 FROM "group".member WHERE group_id = $1', [groupId]);
      expect(rows).toEqual([]);
    });
  });

  it('should reject invalid records naming each field and rule, and store nothing of them', async () => {
    const valid = (overrides: Partial<GroupImportPayload>) => group({ members: [{ person: { id: anna.id }, role: 'LEADER', from: '2024-01-01', to: null }], ...overrides });
    const cases: { externalId: string; payload: GroupImportPayload; reasons: { code: string; field: string }[] }[] = [
      { externalId: 'bad-name', payload: valid({ name: '   ' }), reasons: [{ code: 'REQUIRED', field: 'name' }] },
      { externalId: 'bad-type', payload: valid({ type: null }), reasons: [{ code: 'REQUIRED', field: 'type' }] },
      {
        externalId: 'bad-dates',
        payload: valid({ members: [{ person: { id: anna.id }, role: 'LEADER', from: '2024-05-01', to: '2024-04-30' }] }),
        reasons: [{ code: 'INVALID_DATE', field: 'members[0].to' }],
      },
      {
        externalId: 'bad-overlap',
        payload: valid({
          members: [
            { person: { id: anna.id }, role: 'LEADER', from: '2024-01-01', to: '2024-12-31' },
            { person: { personalIdentityNumber: anna.personalIdentityNumber }, role: 'PARTICIPANT', from: '2024-06-01', to: null },
          ],
        }),
        reasons: [{ code: 'OVERLAPPING_MEMBERSHIP', field: 'members[1]' }],
      },
    ];
    const records = await topics.importRecords('idrottsonline', cases);
    const results = await topics.resultsOf(records);
    records.forEach((r, i) => {
      expect(results.get(r.recordId)).toEqual(
        expect.objectContaining({ outcome: 'REJECTED', entityId: null, reasons: cases[i].reasons.map((x) => ({ ...x, message: expect.any(String) })) }),
      );
    });
    const links = await db.query<unknown[]>(`SELECT 1 FROM "group".external_id WHERE system = 'idrottsonline' AND external_id = ANY($1)`, [cases.map((c) => c.externalId)]);
    expect(links).toEqual([]);
    expect(JSON.stringify([...results.values()])).not.toContain(anna.personalIdentityNumber!);
  });

  it('should park a group whose member is not known yet, and apply it once the person arrives', async () => {
    const late = projectedPerson({ externalIds: [{ system: 'idrottsonline', id: uniqueId('late') }] });
    const [record] = await topics.importRecords('idrottsonline', [
      {
        externalId: 'grp-late',
        payload: group({ members: [{ person: { system: 'idrottsonline', externalId: late.externalIds![0].id }, role: 'PARTICIPANT', from: '2025-01-01', to: null }] }),
      },
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(topics.results.find((r) => r.recordId === record.recordId)).toBeUndefined();
    await topics.publishPersons([late]);
    const result = (await topics.resultsOf([record])).get(record.recordId)!;
    expect(result).toMatchObject({ outcome: 'CREATED' });
    const [event] = await topics.eventsOf(result.entityId!, 1);
    expect(event.after!.members).toEqual([{ personId: late.id, role: 'PARTICIPANT', from: '2025-01-01', to: null }]);
  });

  it('should reject with UNKNOWN_REFERENCE on each exact field when the organisation and a person never appear, without quoting the personnummer', async () => {
    const stranger = projectedPerson();
    const [record] = await topics.importRecords('idrottsonline', [
      {
        externalId: 'grp-never',
        payload: group({
          organisation: { system: 'idrottsonline', externalId: 'no-such-club' },
          members: [
            { person: { id: anna.id }, role: 'LEADER', from: '2024-01-01', to: null },
            { person: { personalIdentityNumber: stranger.personalIdentityNumber }, role: 'PARTICIPANT', from: '2024-01-01', to: null },
          ],
        }),
      },
    ]);
    const result = (await topics.resultsOf([record], 60_000)).get(record.recordId)!;
    expect(result).toMatchObject({
      outcome: 'REJECTED',
      entityId: null,
      reasons: [
        { code: 'UNKNOWN_REFERENCE', field: 'organisation', message: expect.any(String) },
        { code: 'UNKNOWN_REFERENCE', field: 'members[1].person', message: expect.any(String) },
      ],
    });
    expect(JSON.stringify(result)).not.toContain(stranger.personalIdentityNumber!.slice(2));
  }, 90_000);
});
