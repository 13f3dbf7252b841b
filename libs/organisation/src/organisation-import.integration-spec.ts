/**
 * The organisation service end to end on the real broker, registry and Postgres: a federation, its
 * districts, clubs and sections imported through the imports topic; the hierarchy rules, matching
 * and removals as the topics show them.
 */
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ImportResult, OrganisationImportPayload, OrganisationImportRecord } from '@stafett/contracts';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { OrganisationModule } from './organisation.module';
import { makeOrganisationNumber, validOrganisation } from './test/organisation-factory';
import { createOrganisationTestApp } from './test/organisation-test-app';
import { OrganisationTopicsHarness } from './test/organisation-topics.harness';

/** Source systems of this file only: the test files of a run share one database (and its links). */
const SYSTEM = uniqueId('idrottsonline');
const SECOND_SYSTEM = uniqueId('rf-register');
const link = (externalId: string) => ({ system: SYSTEM, externalId });
/** How long a record waits for an organisation it references (short here; 15 minutes by default). */
const WAIT_MS = 4_000;

describe(OrganisationModule.name, () => {
  const prefix = `${uniqueId('organisation')}.`;
  const topics = new OrganisationTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    app = await createOrganisationTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_REFERENCE_WAIT_MS: String(WAIT_MS) }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  /** Imports records (one level of the hierarchy) and waits for their results, in the order given. */
  const importAll = async (items: { externalId: string; payload: OrganisationImportPayload | null; op?: 'UPSERT' | 'DELETE' }[], system = SYSTEM): Promise<ImportResult[]> => {
    const records = await topics.importRecords(system, items);
    const results = await topics.resultsOf(records);
    return records.map((r) => results.get(r.recordId)!);
  };
  const importOne = async (externalId: string, payload: OrganisationImportPayload | null, op: 'UPSERT' | 'DELETE' = 'UPSERT', system = SYSTEM) =>
    (await importAll([{ externalId, payload, op }], system))[0];
  const eventOf = (record: Pick<OrganisationImportRecord, 'recordId'> | ImportResult) =>
    waitFor('the event', () => topics.events.find((e) => e.value.causationId === record.recordId)?.value);
  const stateOf = (id: string) => waitFor(`the state of ${id}`, () => topics.state.findLast((s) => s.message.key?.toString() === id));
  const rowsNamed = async (names: string[]) => Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM organisation.organisation WHERE name = ANY($1)', [names]))[0].n);

  const ids: Record<string, string> = {};
  const numbers = { club1: makeOrganisationNumber(), club2: makeOrganisationNumber() };

  describe('a federation, its districts, clubs and sections', () => {
    it('should create each level under the one before: CREATED, CREATE events, state with parentId and federations', async () => {
      const [rf] = await importAll([{ externalId: 'rf', payload: validOrganisation('CONFEDERATION', 'Riksidrottsförbundet') }]);
      const [fed] = await importAll([{ externalId: 'svff', payload: validOrganisation('FEDERATION', 'Svenska Fotbollförbundet', link('rf')) }]);
      const districts = await importAll([
        { externalId: 'stff', payload: validOrganisation('DISTRICT', 'Stockholms Fotbollförbund', link('svff')) },
        { externalId: 'gff', payload: validOrganisation('DISTRICT', 'Göteborgs Fotbollförbund', link('svff')) },
      ]);
      const clubs = await importAll([
        {
          externalId: 'club-1',
          payload: validOrganisation('CLUB', 'IK Stafett', link('stff'), { organisationNumber: numbers.club1, federations: [{ organisation: link('svff'), sport: 'Fotboll' }] }),
        },
        { externalId: 'club-2', payload: validOrganisation('CLUB', 'Göteborgs IK', link('gff'), { organisationNumber: numbers.club2 }) },
      ]);
      const [section] = await importAll([
        { externalId: 'club-1-fotboll', payload: validOrganisation('SECTION', 'IK Stafett Fotboll', link('club-1'), { organisationNumber: null }) },
      ]);

      const all = [rf, fed, ...districts, ...clubs, section];
      expect(all.map((r) => r.outcome)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED']);
      [ids.rf, ids.svff, ids.stff, ids.gff, ids.club1, ids.club2, ids.section] = all.map((r) => r.entityId!);

      const clubEvent = await eventOf(clubs[0]);
      expect(clubEvent).toMatchObject({
        op: 'CREATE',
        version: 1,
        before: null,
        source: { system: SYSTEM },
        changedFields: ['type', 'name', 'organisationNumber', 'parentId', 'municipalityCode', 'sports', 'email', 'phone', 'address', 'status', 'externalIds', 'federations'],
        after: {
          id: ids.club1,
          type: 'CLUB',
          name: 'IK Stafett',
          organisationNumber: numbers.club1,
          parentId: ids.stff,
          municipalityCode: '0180',
          sports: ['Fotboll'],
          phone: '+46812345678',
          address: { postalCode: '11455' },
          status: 'ACTIVE',
          externalIds: [{ system: SYSTEM, id: 'club-1' }],
          federations: [{ organisationId: ids.svff, sport: 'Fotboll' }],
        },
      });
      expect((await eventOf(section)).after).toMatchObject({ type: 'SECTION', parentId: ids.club1 });
      expect((await stateOf(ids.stff)).value).toMatchObject({ id: ids.stff, type: 'DISTRICT', parentId: ids.svff });
      expect((await stateOf(ids.rf)).value).toMatchObject({ type: 'CONFEDERATION', parentId: null });
    });

    it("should project its own state topic into the organisation edges (parent and federation) behind scoped keys' subtrees", async () => {
      const edgesOf = async (child: string) =>
        (await db.query<{ parent_id: string }[]>('SELECT parent_id FROM organisation.organisation_edge WHERE child_id = $1 ORDER BY parent_id', [child])).map((r) => r.parent_id);
      // The club's and the section's states may be projected in different batches.
      await waitFor('the edges of the club and the section', async () =>
        (await edgesOf(ids.club1)).length === 2 && (await edgesOf(ids.section)).length === 1 ? true : undefined,
      );
      expect(await edgesOf(ids.club1)).toEqual([ids.stff, ids.svff].sort());
      expect(await edgesOf(ids.section)).toEqual([ids.club1]);
    });

    it('should answer UNCHANGED and publish nothing when a level is imported again', async () => {
      // Every CREATE event of the hierarchy read first: a late one must not count as published by the repeat.
      const created = new Set(Object.values(ids));
      await waitFor('all CREATE events', () => (new Set(topics.events.map((e) => e.value.entityId).filter((id) => created.has(id))).size === created.size ? true : undefined));
      const before = topics.events.length;
      const [again] = await importAll([{ externalId: 'svff', payload: { type: 'FEDERATION', name: 'Svenska Fotbollförbundet', parent: link('rf') } }]);
      expect(again).toMatchObject({ outcome: 'UNCHANGED', entityId: ids.svff, version: 1 });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(topics.events.length).toBe(before);
    });

    it('should reject a club as parent of a federation with INVALID_PARENT, storing nothing', async () => {
      const result = await importOne('svebf', validOrganisation('FEDERATION', 'Svenska Bandyförbundet', link('club-1')));
      expect(result).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'INVALID_PARENT', field: 'parent', message: expect.stringContaining('CLUB') }] });
      expect(await rowsNamed(['Svenska Bandyförbundet'])).toBe(0);
    });

    it('should reject a federation moved under its own district with HIERARCHY_CYCLE, changing nothing', async () => {
      const result = await importOne('svff', { parent: link('stff') });
      expect(result).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'HIERARCHY_CYCLE', field: 'parent' }] });
      const [row] = await db.query<{ parent_id: string; version: string }[]>('SELECT parent_id, version FROM organisation.organisation WHERE id = $1', [ids.svff]);
      expect(row).toEqual({ parent_id: ids.rf, version: '1' });
    });

    it('should reject a section without a club and federations that are not federations, naming the fields', async () => {
      const [section, club] = await importAll([
        { externalId: 'lonely-section', payload: validOrganisation('SECTION', 'Ensam sektion', undefined, { organisationNumber: null }) },
        { externalId: 'club-3', payload: validOrganisation('CLUB', 'Tredje IK', link('stff'), { federations: [{ organisation: link('gff'), sport: null }] }) },
      ]);
      expect(section).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'REQUIRED', field: 'parent' }] });
      expect(club).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'INVALID_PARENT', field: 'federations[0].organisation' }] });
    });

    it('should reject an invalid organisationsnummer with its rule', async () => {
      const bad = numbers.club1.slice(0, 9) + String((Number(numbers.club1[9]) + 1) % 10);
      const result = await importOne('club-bad', validOrganisation('CLUB', 'Felaktiga IK', link('stff'), { organisationNumber: bad }));
      expect(result).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'INVALID_CHECKSUM', field: 'organisationNumber' }] });
    });
  });

  describe('references not yet known', () => {
    it('should park a club whose district is not known yet, and create it under the district when that appears', async () => {
      const [club] = await topics.importRecords(SYSTEM, [{ externalId: 'club-late', payload: validOrganisation('CLUB', 'Sena IK', link('district-late')) }]);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(topics.results.find((r) => r.recordId === club.recordId)).toBeUndefined();
      const district = await importOne('district-late', validOrganisation('DISTRICT', 'Sena distriktet', link('svff')));
      expect(district.outcome).toBe('CREATED');
      const result = (await topics.resultsOf([club])).get(club.recordId)!;
      expect(result).toMatchObject({ outcome: 'CREATED' });
      expect((await eventOf(result)).after).toMatchObject({ name: 'Sena IK', parentId: district.entityId });
    });

    it('should reject with UNKNOWN_REFERENCE naming the field once the wait is over', async () => {
      const started = Date.now();
      const result = await importOne(
        'club-orphan',
        validOrganisation('CLUB', 'Föräldralösa IK', link('svff'), { federations: [{ organisation: link('never-known'), sport: null }] }),
      );
      expect(result).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'UNKNOWN_REFERENCE', field: 'federations[0].organisation' }] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 500);
    });
  });

  describe('matching', () => {
    it('should find the club by its link, then another source finds it by organisationsnummer', async () => {
      const byLink = await importOne('club-1', { email: 'info@ikstafett.se' });
      expect(byLink).toMatchObject({ outcome: 'UPDATED', entityId: ids.club1, version: 2 });
      const byNumber = await importOne(
        'forening-77',
        { organisationNumber: `${numbers.club1.slice(0, 6)}-${numbers.club1.slice(6)}`, municipalityCode: '0181' },
        'UPSERT',
        SECOND_SYSTEM,
      );
      expect(byNumber).toMatchObject({ outcome: 'UPDATED', entityId: ids.club1, version: 3 });
      const event = await eventOf(byNumber);
      expect(event.changedFields).toEqual(['municipalityCode', 'externalIds']);
      expect(event.after).toMatchObject({
        email: 'info@ikstafett.se',
        externalIds: [
          { system: SYSTEM, id: 'club-1' },
          { system: SECOND_SYSTEM, id: 'forening-77' },
        ],
      });
    });

    it("should reject with AMBIGUOUS_MATCH a record whose link is one club's and organisationsnummer another's", async () => {
      const result = await importOne('club-1', { organisationNumber: numbers.club2 });
      expect(result).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'AMBIGUOUS_MATCH', field: 'organisationNumber' }] });
    });
  });

  describe('removal', () => {
    it('should refuse to delete a district that still has clubs (HAS_CHILDREN)', async () => {
      const result = await importOne('gff', null, 'DELETE');
      expect(result).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'HAS_CHILDREN', field: 'id' }] });
      expect(await rowsNamed(['Göteborgs Fotbollförbund'])).toBe(1);
    });

    it('should refuse to delete a federation that clubs belong to, even without children by parent', async () => {
      const [fed] = await importAll([{ externalId: 'svbf', payload: validOrganisation('FEDERATION', 'Svenska Basketbollförbundet', link('rf')) }]);
      await importOne('club-2', { federations: [{ organisation: link('svbf'), sport: 'Basket' }] });
      const result = await importOne('svbf', null, 'DELETE');
      expect(result).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'HAS_CHILDREN' }] });
      expect(fed.outcome).toBe('CREATED');
    });

    it('should delete a club from the bottom up: its section, then the club, with DELETE events and tombstones', async () => {
      const section = await importOne('club-1-fotboll', null, 'DELETE');
      expect(section).toMatchObject({ outcome: 'DELETED', entityId: ids.section, version: 2 });
      const club = await importOne('club-1', null, 'DELETE');
      expect(club).toMatchObject({ outcome: 'DELETED', entityId: ids.club1 });
      expect(await eventOf(club)).toMatchObject({ op: 'DELETE', after: null, before: { id: ids.club1, name: 'IK Stafett' } });
      await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === ids.club1 && s.value === null));
      const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM organisation.federation WHERE organisation_id = $1', [ids.club1]);
      expect(n).toBe('0');
    });
  });
});
