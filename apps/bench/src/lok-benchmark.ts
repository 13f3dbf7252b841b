import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Activity, Group, Organisation, Person } from '@stafett/contracts';
import { makePersonnummer, parseLokPeriod } from '@stafett/domain';
import { poolOf } from '@stafett/entity-pipeline';
import { DEFAULT_LOK_RATES, LOK_MIGRATIONS, LokApplicationService, LokProjectionStore, lokSettings } from '@stafett/lok';
import { ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';

export interface LokRun {
  readonly activities: number;
  readonly members: number;
  readonly seedSeconds: number;
  /** Milliseconds per period summary (projection read + engine + summary), each run. */
  readonly summaryMs: number[];
  readonly medianMs: number;
  readonly eligible: number;
  readonly participantOccasions: number;
}

const SPORTS = ['Fotboll', 'Innebandy', 'Handboll', 'Friidrott', 'Simning'];

/**
 * B7: the LOK-stöd period summary for one club (issue 12: 5,000 activities, 500 members, target < 1 s).
 * Seeds the connector's own projection (`lok` schema, its migrations) directly in a database of its
 * own, then times `LokApplicationService.application` for 2026H1 — what GET /v1/lok/:id/2026H1 does.
 */
export async function b7LokSummary(databaseUrl: string, runs: number, activities = 5_000, members = 500): Promise<LokRun> {
  await ensureDatabase(databaseUrl);
  const dataSource = new DataSource(stafettDataSourceOptions({ databaseUrl, migrations: [...LOK_MIGRATIONS], applicationName: 'bench-b7' }));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const store = new LokProjectionStore(poolOf(dataSource));
    const started = performance.now();
    const club: Organisation = {
      id: randomUUID(),
      type: 'CLUB',
      name: 'Benchmark IK',
      organisationNumber: '8020001234',
      parentId: null,
      municipalityCode: '0380',
      sports: SPORTS,
      email: null,
      phone: null,
      address: null,
      status: 'ACTIVE',
      externalIds: [],
      federations: [],
    };
    await store.putOrganisation(club);
    // 460 children and youths (born 2001–2019) and 40 adult leaders.
    const persons: Person[] = Array.from({ length: members }, (_, i) => {
      const adult = i < 40;
      const birthDate = adult
        ? `19${70 + (i % 25)}-03-${String(1 + (i % 28)).padStart(2, '0')}`
        : `${2001 + (i % 19)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      const sex = i % 2 === 0 ? 'FEMALE' : 'MALE';
      return {
        id: randomUUID(),
        personalIdentityNumber: makePersonnummer({ birthDate, sex, serial: i % 500 }),
        firstName: `Förnamn${i}`,
        lastName: `Efternamn${i}`,
        birthDate,
        sex,
        address: null,
        email: null,
        phone: null,
        status: 'ACTIVE',
        memberships: [],
        guardians: [],
        disability: i % 50 === 0,
        externalIds: [],
      };
    });
    await store.putPersons(persons.map((person) => ({ id: person.id, person })));
    const leaders = persons.slice(0, 40);
    const youths = persons.slice(40);
    // 25 groups of ~18 youths, each with its sport.
    const groups: Group[] = Array.from({ length: 25 }, (_, g) => ({
      id: randomUUID(),
      organisationId: club.id,
      name: `Grupp ${g + 1}`,
      type: 'TRAINING',
      sport: SPORTS[g % SPORTS.length],
      members: [],
      status: 'ACTIVE',
      externalIds: [],
    }));
    for (const g of groups) await store.putGroup(g);
    // Activities spread over January–June 2026 (181 days), 60–90 minutes, 1–2 leaders and 12 participants of the group.
    const day0 = Date.UTC(2026, 0, 1, 16, 0);
    for (let a = 0; a < activities; a++) {
      const g = a % groups.length;
      const members = youths.slice((g * 18) % youths.length, ((g * 18) % youths.length) + 18);
      const startsAt = new Date(day0 + Math.floor((a * 181) / activities) * 86_400_000 + (a % 4) * 3_600_000);
      const activity: Activity = {
        id: randomUUID(),
        organisationId: club.id,
        groupId: groups[g].id,
        type: 'TRAINING',
        title: `Träning ${a}`,
        sport: null,
        startsAt,
        endsAt: new Date(startsAt.getTime() + (60 + (a % 31)) * 60_000),
        location: null,
        status: a % 40 === 0 ? 'CANCELLED' : 'HELD',
        participants: [
          { personId: leaders[g % 40].id, role: 'LEADER', attended: true },
          ...(a % 3 === 0 ? [{ personId: leaders[(g + 20) % 40].id, role: 'LEADER' as const, attended: true }] : []),
          ...Array.from({ length: 12 }, (_, k) => ({ personId: members[(a + k) % members.length].id, role: 'PARTICIPANT' as const, attended: (a + k) % 9 !== 0 })),
        ],
        externalIds: [],
      };
      await store.putActivity(activity);
    }
    const seedSeconds = (performance.now() - started) / 1000;
    await dataSource.query('ANALYZE lok.activity; ANALYZE lok.person;');
    const service = new LokApplicationService(store, lokSettings({ rates: DEFAULT_LOK_RATES }));
    const period = parseLokPeriod('2026H1')!;
    const organisation = (await store.organisation(club.id))!;
    await service.application(organisation, period, '2026-08-01'); // warm-up
    const summaryMs: number[] = [];
    let last = await service.application(organisation, period, '2026-08-01');
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      last = await service.application(organisation, period, '2026-08-01');
      summaryMs.push(Math.round((performance.now() - t) * 10) / 10);
    }
    const sorted = [...summaryMs].sort((x, y) => x - y);
    return {
      activities,
      members,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      summaryMs,
      medianMs: sorted[Math.floor(sorted.length / 2)],
      eligible: last.summary.activities.eligible,
      participantOccasions: last.summary.participantOccasions.total,
    };
  } finally {
    await dataSource.destroy();
  }
}
