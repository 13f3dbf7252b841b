/**
 * The LOK-stöd connector on the real broker, registry and Postgres: real Avro state of a club, its
 * members, a group and activities on the state topics → the connector's projection (through the
 * SDK's sink transport) → the application, the verdicts, the municipal file and the participant
 * list as a club administrator reads them; erasure and deletes; every endpoint's hostile cases.
 */
import type { INestApplication } from '@nestjs/common';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { ApiKeyService } from '@stafett/api';
import type { Activity, Organisation, Person } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { createLokTestApp, LokStateTopics, lokState } from './test/lok-test-app';

/** 17:00 Swedish time in winter (CET) on a day of March 2026. */
const march = (day: number, hour = 17, minutes = 60): { startsAt: Date; endsAt: Date } => {
  const startsAt = new Date(`2026-03-${String(day).padStart(2, '0')}T${String(hour - 1).padStart(2, '0')}:00:00Z`);
  return { startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) };
};

describe('connector-lok: state topics → projection → /v1/lok', () => {
  const prefix = `${uniqueId('lok')}.`;
  const adminKey = `stf_${uniqueId('admin-key')}`;
  const topics = new LokStateTopics(prefix);
  let app: INestApplication;
  const keys: Record<'club' | 'district' | 'otherClub' | 'globalRead' | 'importOnly', string> = { club: '', district: '', otherClub: '', globalRead: '', importOnly: '' };
  const as = (key: string | null) => (url: string) => {
    const r = request(app.getHttpServer()).get(url);
    return key === null ? r : r.set('Authorization', `Bearer ${key}`);
  };
  const admin = as(adminKey);

  // The register: a district, the club in Uppsala (0380), another club with a municipal rule set, a federation.
  const district = lokState.organisation({ type: 'DISTRICT', name: 'Upplands Idrottsförbund' });
  const club = lokState.organisation({ name: 'IK Stafett', organisationNumber: '8020001234', municipalityCode: '0380', parentId: district.id });
  const otherClub = lokState.organisation({ name: 'Femkommunens BK', organisationNumber: '8020005678', municipalityCode: '0999' });
  const federation = lokState.organisation({ type: 'FEDERATION', name: 'Svenska Fotbollförbundet' });
  const anna = lokState.person({ firstName: 'Anna', lastName: 'Ledare', birthDate: '1985-04-04', personalIdentityNumber: makePersonnummer({ birthDate: '1985-04-04' }) });
  const ola = lokState.person({ firstName: 'Ola', lastName: 'Ungledare', birthDate: '2013-06-01', sex: 'MALE' }); // 12 in March 2026
  const k1 = lokState.person({ firstName: 'Karin', lastName: 'Åberg', birthDate: '2014-02-01', personalIdentityNumber: makePersonnummer({ birthDate: '2014-02-01', serial: 3 }) });
  const k2 = lokState.person({
    firstName: 'Erik',
    lastName: 'Berg',
    birthDate: '2016-05-05',
    sex: 'MALE',
    personalIdentityNumber: makePersonnummer({ birthDate: '2016-05-05', sex: 'MALE' }),
  });
  const k3 = lokState.person({ firstName: 'Lisa', lastName: 'Celsing', birthDate: '2019-12-31' }); // turns 7 in 2026: counted; no personnummer
  const k4 = lokState.person({ firstName: 'Nils', lastName: 'Dahl', birthDate: '2020-01-01', sex: 'MALE' }); // turns 6: not counted
  const k5 = lokState.person({ firstName: 'Sara', lastName: 'Ek', birthDate: '2001-03-03' }); // 25
  const k6 = lokState.person({ firstName: 'Jonas', lastName: 'Fors', birthDate: '2000-03-03', sex: 'MALE', disability: true }); // 26 with a disability
  const erased = lokState.person({ firstName: 'Skyddad', lastName: 'Person', birthDate: '2014-01-01' });
  const group = lokState.group({ organisationId: club.id, name: 'P14', sport: 'Fotboll' });
  const P = (p: Person, attended = true) => ({ personId: p.id, role: 'PARTICIPANT' as const, attended });
  const L = (p: Person) => ({ personId: p.id, role: 'LEADER' as const, attended: true });
  const A1 = lokState.activity({ organisationId: club.id, groupId: group.id, title: 'Träning; teknik', ...march(10), participants: [L(anna), P(k1), P(k2), P(k3), P(k4)] });
  const A2 = lokState.activity({ organisationId: club.id, groupId: group.id, title: 'Kvällsträning', ...march(10, 19), participants: [L(anna), P(k1), P(k2), P(k5)] });
  const A3 = lokState.activity({ organisationId: club.id, groupId: group.id, title: 'Kort pass', ...march(11, 17, 44), participants: [L(anna), P(k1), P(k2), P(k3)] });
  const A4 = lokState.activity({ organisationId: club.id, groupId: group.id, title: 'Ungledarpass', ...march(12), participants: [L(ola), P(k1), P(k2), P(k3)] });
  const A5 = lokState.activity({ organisationId: club.id, groupId: group.id, title: 'Inställd', ...march(13), status: 'CANCELLED', participants: [L(anna), P(k1), P(k2), P(k3)] });
  const A6 = lokState.activity({
    organisationId: club.id,
    sport: 'Innebandy',
    title: '=HYPERLINK("http://x")',
    ...march(14),
    participants: [L(anna), P(k1), P(k5), P(k6), P(erased)],
  });
  const deleted = lokState.activity({ organisationId: club.id, groupId: group.id, title: 'Raderad', ...march(15), participants: [L(anna), P(k1), P(k2), P(k3)] });
  const summer = lokState.activity({
    organisationId: club.id,
    groupId: group.id,
    title: 'Sommarläger',
    startsAt: new Date('2026-07-02T08:00:00Z'),
    endsAt: new Date('2026-07-02T10:00:00Z'),
    participants: [L(anna), P(k1), P(k2), P(k3)],
  });
  const other = lokState.activity({ organisationId: otherClub.id, sport: 'Fotboll', ...march(10), participants: [L(anna), P(k1), P(k2), P(k3), P(k5)] });

  beforeAll(async () => {
    await topics.provision();
    app = await createLokTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: adminKey }), {
      rates: { perActivity: 100, perParticipantOccasion: 10, perLeaderOccasion: 5 },
      municipalRules: { '0999': { name: 'Femkommun', minParticipants: 5 } },
    });
    const apiKeys = app.get(ApiKeyService);
    keys.club = (await apiKeys.create({ name: uniqueId('club'), roles: ['read'], expiresAt: null, organisationId: club.id })).key;
    keys.district = (await apiKeys.create({ name: uniqueId('district'), roles: ['read'], expiresAt: null, organisationId: district.id })).key;
    keys.otherClub = (await apiKeys.create({ name: uniqueId('other'), roles: ['read'], expiresAt: null, organisationId: otherClub.id })).key;
    keys.globalRead = (await apiKeys.create({ name: uniqueId('global'), roles: ['read'], expiresAt: null })).key;
    keys.importOnly = (await apiKeys.create({ name: uniqueId('import'), roles: ['import'], expiresAt: null, organisationId: club.id })).key;

    await topics.send<Organisation>(
      'organisation',
      [district, club, otherClub, federation].map((o) => ({ id: o.id, value: o })),
    );
    await topics.send<Person>(
      'person',
      [anna, ola, k1, k2, k3, k4, k5, k6, erased].map((p) => ({ id: p.id, value: p })),
    );
    await topics.send('group', [{ id: group.id, value: group }]);
    await topics.send<Activity>(
      'activity',
      [A1, A2, A3, A4, A5, A6, deleted, summer, other].map((a) => ({ id: a.id, value: a })),
    );
    // Erasure (a protected identity) and a deleted activity: tombstones.
    await topics.send('person', [{ id: erased.id, value: null }]);
    await topics.send('activity', [{ id: deleted.id, value: null }]);
    await waitFor(
      'the projection to hold the state and the tombstones',
      async () => {
        const res = await admin(`/v1/lok/${club.id}/2026H1/verdicts`);
        const items = (res.body as { items?: { activityId: string; reasons: { code: string }[] }[] }).items ?? [];
        const a6 = items.find((v) => v.activityId === A6.id);
        return items.length === 6 && a6?.reasons.some((r) => r.code === 'UNKNOWN_PERSON') ? items : undefined;
      },
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  it('should summarise the period as the club administrator expects', async () => {
    const res = await admin(`/v1/lok/${club.id}/2026H1?asOf=2026-09-02`).expect(200);
    expect(res.body).toMatchObject({
      organisation: { id: club.id, name: 'IK Stafett', organisationNumber: '8020001234', municipalityCode: '0380' },
      period: { id: '2026H1', from: '2026-01-01', to: '2026-06-30', deadline: '2026-08-25' },
      municipalRules: null,
      ruleSets: ['LOK_2023_07'],
      deadline: '2026-08-25',
      lateness: { asOf: '2026-09-02', daysLate: 8, reductionPercent: 20 },
      activities: { evaluated: 6, eligible: 2, notEligible: 4 },
      participantOccasions: {
        total: 6,
        byAgeBand: {
          '7-12': { FEMALE: 3, MALE: 1, UNKNOWN: 0, total: 4 },
          '13-16': { total: 0 },
          '17-20': { total: 0 },
          '21-25': { FEMALE: 1, MALE: 0, total: 1 },
          '26+': { FEMALE: 0, MALE: 1, total: 1 },
        },
      },
      leaderOccasions: { FEMALE: 2, MALE: 0, UNKNOWN: 0, total: 2 },
      amounts: { currency: 'SEK', activities: 200, participantOccasions: 60, leaderOccasions: 10, total: 270, reductionPercent: 20, afterReduction: 216 },
    });
  });

  it('should give each activity its verdict with every reason, in evaluation order', async () => {
    const res = await as(keys.club)(`/v1/lok/${club.id}/2026H1/verdicts`).expect(200);
    const items = res.body.items as {
      activityId: string;
      eligible: boolean;
      participantsCounted: number;
      leadersCounted: number;
      sport: string;
      reasons: { code: string; personId?: string; field: string }[];
    }[];
    const byId = (id: string) => items.find((v) => v.activityId === id)!;
    expect(items.map((v) => v.activityId)).toEqual([A1.id, A2.id, A3.id, A4.id, A5.id, A6.id]);
    expect(byId(A1.id)).toMatchObject({ eligible: true, participantsCounted: 3, leadersCounted: 1, sport: 'Fotboll' });
    expect(byId(A1.id).reasons).toEqual([expect.objectContaining({ code: 'PARTICIPANT_AGE_OUTSIDE_BAND', personId: k4.id, field: 'participants[4]' })]);
    expect(byId(A2.id)).toMatchObject({ eligible: false, participantsCounted: 0 });
    expect(byId(A2.id).reasons.map((r) => [r.code, r.personId ?? null])).toEqual([
      ['ALREADY_COUNTED_SAME_SPORT_AND_DAY', k1.id],
      ['ALREADY_COUNTED_SAME_SPORT_AND_DAY', k2.id],
      ['TOO_FEW_PARTICIPANTS', null],
    ]);
    expect(byId(A3.id).reasons.map((r) => r.code)).toEqual(['TOO_SHORT']);
    expect(byId(A4.id).reasons.map((r) => r.code)).toEqual(['LEADER_TOO_YOUNG', 'NO_ELIGIBLE_LEADER']);
    expect(byId(A5.id).reasons.map((r) => r.code)).toEqual(['ACTIVITY_CANCELLED']);
    // The erased person vanished from the projection: not counted, known only by id.
    expect(byId(A6.id)).toMatchObject({ eligible: true, participantsCounted: 3, sport: 'Innebandy' });
    expect(byId(A6.id).reasons.map((r) => [r.code, r.personId])).toEqual([['UNKNOWN_PERSON', erased.id]]);
    // Persons by id only: no name, no personnummer.
    const body = JSON.stringify(res.body);
    for (const p of [anna, k1, k2]) for (const text of [p.firstName, p.lastName, p.personalIdentityNumber!, p.personalIdentityNumber!.slice(2)]) expect(body).not.toContain(text);
  });

  it('should export the municipal file as CSV: a header and one row per eligible activity', async () => {
    const res = await as(keys.district)(`/v1/lok/${club.id}/2026H1/file?format=csv`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="lok-8020001234-2026H1.csv"');
    const lines = res.text.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(
      'period;organisationNumber;organisationName;activityId;date;startTime;endTime;minutes;sport;type;title;group;leaders;participants;female;male;unknownSex;ruleSet',
    );
    expect(lines.slice(1)).toEqual([
      `2026H1;8020001234;IK Stafett;${A1.id};2026-03-10;17:00;18:00;60;Fotboll;TRAINING;"Träning; teknik";P14;1;3;2;1;0;LOK_2023_07`,
      `2026H1;8020001234;IK Stafett;${A6.id};2026-03-14;17:00;18:00;60;Innebandy;TRAINING;"'=HYPERLINK(""http://x"")";;1;3;2;1;0;LOK_2023_07`,
    ]);
  });

  it('should export the municipal file as XML with the totals by age band', async () => {
    const res = await admin(`/v1/lok/${club.id}/2026H1/file?format=xml`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(res.text);
    const root = doc.lokApplication;
    expect(root).toMatchObject({ xmlns: 'urn:stafett:lok:1', period: '2026H1', deadline: '2026-08-25' });
    expect(root.organisation).toMatchObject({ id: club.id, organisationNumber: '8020001234', municipalityCode: '0380', name: 'IK Stafett' });
    expect(root.totals).toMatchObject({ activities: '2', participantOccasions: '6', leaderOccasions: '2' });
    expect((root.totals.ageBand as { band: string }[]).find((b) => b.band === '7-12')).toMatchObject({ female: '3', male: '1', total: '4' });
    expect(root.activities.activity).toHaveLength(2);
    expect(root.activities.activity[0]).toMatchObject({
      id: A1.id,
      date: '2026-03-10',
      startTime: '17:00',
      minutes: '60',
      participants: '3',
      leaders: '1',
      title: 'Träning; teknik',
      group: 'P14',
    });
  });

  it('should serve the participant list (personal data) to the club’s own key: name, personnummer or birth date, sex', async () => {
    const res = await as(keys.club)(`/v1/lok/${club.id}/2026H1/participants.csv`).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const pnr = (p: Person) => `${p.personalIdentityNumber!.slice(0, 8)}-${p.personalIdentityNumber!.slice(8)}`;
    expect(res.text.split('\r\n').filter((l) => l !== '')).toEqual([
      'Namn;Personnummer;Kön',
      `Erik Berg;${pnr(k2)};M`,
      'Lisa Celsing;20191231;K',
      'Sara Ek;20010303;K',
      'Jonas Fors;20000303;M',
      `Anna Ledare;${pnr(anna)};K`,
      `Karin Åberg;${pnr(k1)};K`,
    ]);
    // Admin keys get it too.
    await admin(`/v1/lok/${club.id}/2026H1/participants.csv`).expect(200);
  });

  it('should apply the municipal rule set of the club’s municipality', async () => {
    const res = await as(keys.otherClub)(`/v1/lok/${otherClub.id}/2026H1/verdicts`).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ activityId: other.id, eligible: false, ruleSet: 'LOK_2023_07+Femkommun' })]);
    expect((res.body.items as { reasons: { code: string }[] }[])[0].reasons.map((r) => r.code)).toEqual(['TOO_FEW_PARTICIPANTS']);
  });

  it('should keep each period to its own days (the summer camp is in H2)', async () => {
    const res = await admin(`/v1/lok/${club.id}/2026H2`).expect(200);
    expect(res.body).toMatchObject({ period: { deadline: '2027-02-25' }, activities: { evaluated: 1, eligible: 1 }, participantOccasions: { total: 3 } });
  });

  describe('hostile requests', () => {
    const paths = (id: string, period = '2026H1') => [
      `/v1/lok/${id}/${period}`,
      `/v1/lok/${id}/${period}/verdicts`,
      `/v1/lok/${id}/${period}/file?format=csv`,
      `/v1/lok/${id}/${period}/participants.csv`,
    ];

    it.each(paths('00000000-0000-4000-8000-000000000000'))('should answer 401 without a key: %s', async (path) => {
      const res = await as(null)(path).expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it.each([
      ['H3', '2026H3'],
      ['a two-digit year', '26H1'],
      ['a dash', '2026-H1'],
      ['no year', 'H1'],
      ['a NUL byte', '2026H1%00'],
      ['5,000 characters', 'x'.repeat(5000)],
    ])('should answer 400 naming the period for %s on every endpoint', async (_case, period) => {
      for (const path of paths(club.id, period)) {
        const res = await admin(path);
        expect([path.slice(0, 60), res.status]).toEqual([path.slice(0, 60), 400]);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'period', code: 'INVALID_FORMAT' })]);
      }
    });

    it('should answer 403 to a key without the read role, on every endpoint', async () => {
      for (const path of paths(club.id)) expect((await as(keys.importOnly)(path)).status).toBe(403);
    });

    it('should answer 401 to an unknown key', async () => {
      for (const path of paths(club.id)) expect((await as('stf_not-a-key')(path)).status).toBe(401);
    });

    it('should answer 404 for another club through a club-scoped key, on every endpoint', async () => {
      for (const path of paths(club.id)) expect((await as(keys.otherClub)(path)).status).toBe(404);
    });

    it('should answer 404 for an unknown id, a federation, and a personnummer where the id belongs (not echoed)', async () => {
      const pnr = makePersonnummer({ birthDate: '2014-02-01' });
      for (const id of ['00000000-0000-4000-8000-000000000000', federation.id, pnr]) {
        for (const path of paths(id)) {
          const res = await admin(path);
          expect(res.status).toBe(404);
          expect(JSON.stringify(res.body)).not.toContain(pnr);
        }
      }
    });

    it('should answer 400 naming the format and asOf when they are invalid', async () => {
      const bad = await admin(`/v1/lok/${club.id}/2026H1/file?format=pdf`).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
      const twice = await admin(`/v1/lok/${club.id}/2026H1/file?format=csv&format=xml`).expect(400);
      expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
      const asOf = await admin(`/v1/lok/${club.id}/2026H1?asOf=2026-02-30`).expect(400);
      expect(asOf.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
    });

    it('should refuse the participant list to keys not bound to the club: a district key and a global read key get 403', async () => {
      for (const key of [keys.district, keys.globalRead]) {
        const res = await as(key)(`/v1/lok/${club.id}/2026H1/participants.csv`).expect(403);
        expect(res.text).not.toContain('Karin');
      }
      // …though they may read the application itself.
      await as(keys.district)(`/v1/lok/${club.id}/2026H1`).expect(200);
    });
  });
});
