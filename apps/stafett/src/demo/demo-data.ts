import { luhnCheckDigit } from '@stafett/domain';

/**
 * A realistic, deterministic demo register (`npm start -- --demo`): RF, two specialidrottsförbund
 * with districts, clubs (one multi-sport club with sections), a few hundred members with
 * memberships, training groups and a spring season of weekly trainings with attendance. Every
 * record is an import record of the public import path (`POST /v1/imports`), keyed by external ids
 * of the source system `demo`, so loading it twice changes nothing (UNCHANGED).
 * The personnummer are generated (valid dates and Luhn digits); they are demo data, not people.
 */
export const DEMO_SYSTEM = 'demo';

export interface DemoRecord {
  readonly entityType: 'organisation' | 'person' | 'group' | 'activity';
  readonly externalId: string;
  readonly op: 'UPSERT';
  readonly payload: Record<string, unknown>;
}

export interface DemoData {
  readonly organisations: DemoRecord[];
  readonly persons: DemoRecord[];
  readonly groups: DemoRecord[];
  readonly activities: DemoRecord[];
}

/** A small deterministic PRNG (mulberry32): the same demo on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ref = (externalId: string) => ({ system: DEMO_SYSTEM, externalId });
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** An organisationsnummer of an ideell förening (802…), with its Luhn digit. */
function organisationNumber(n: number): string {
  const nine = `802${pad(4_000 + n * 37, 6)}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

/** A personnummer (12 digits) for a birth date and a serial, with its Luhn digit over the last ten. */
function personnummer(birthDate: string, serial: number, female: boolean): string {
  const birth = birthDate.replace(/-/g, '');
  // The second-to-last digit is even for women, odd for men.
  let s = serial % 1000;
  if (((s % 10) % 2 === 0) !== female) s = (s + 1) % 1000;
  const nine = `${birth.slice(2)}${pad(s, 3)}`;
  return `${birth}${pad(s, 3)}${luhnCheckDigit(nine)}`;
}

const GIRLS = ['Alva', 'Elsa', 'Maja', 'Ella', 'Wilma', 'Saga', 'Ebba', 'Astrid', 'Freja', 'Vera', 'Alice', 'Selma', 'Stella', 'Lilly', 'Olivia'];
const BOYS = ['Noah', 'William', 'Hugo', 'Liam', 'Lucas', 'Oscar', 'Elias', 'Adam', 'Nils', 'Leo', 'Alvin', 'Vincent', 'Viktor', 'Ludvig', 'Melvin'];
const SURNAMES = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Pettersson',
  'Jonsson',
  'Lindberg',
  'Lindqvist',
  'Berg',
];

interface Club {
  readonly key: string;
  readonly name: string;
  readonly municipality: string;
  readonly district: string;
  readonly federations: string[];
  readonly sports: string[];
  readonly sections?: { key: string; name: string; sport: string }[];
}

/** Builds the demo; `today` decides which trainings were held (past) and which are planned. */
export function demoData(today = new Date()): DemoData {
  const rnd = random(20260112);
  const organisations: DemoRecord[] = [];
  let orgNo = 0;
  const org = (externalId: string, payload: Record<string, unknown>) =>
    organisations.push({ entityType: 'organisation', externalId, op: 'UPSERT', payload: { organisationNumber: organisationNumber(++orgNo), status: 'ACTIVE', ...payload } });

  org('rf', { type: 'CONFEDERATION', name: 'Riksidrottsförbundet (demo)', sports: [] });
  org('sibf', { type: 'FEDERATION', name: 'Svenska Innebandyförbundet (demo)', parent: ref('rf'), sports: ['innebandy'] });
  org('svff', { type: 'FEDERATION', name: 'Svenska Fotbollförbundet (demo)', parent: ref('rf'), sports: ['fotboll'] });
  const districts = [
    { key: 'sibf-sthlm', name: 'Stockholms Innebandyförbund (demo)', federation: 'sibf', municipality: '0180' },
    { key: 'sibf-gbg', name: 'Göteborgs Innebandyförbund (demo)', federation: 'sibf', municipality: '1480' },
    { key: 'svff-sthlm', name: 'Stockholms Fotbollförbund (demo)', federation: 'svff', municipality: '0180' },
    { key: 'svff-skane', name: 'Skånes Fotbollförbund (demo)', federation: 'svff', municipality: '1280' },
  ];
  for (const d of districts) org(d.key, { type: 'DISTRICT', name: d.name, parent: ref(d.federation), municipalityCode: d.municipality, sports: [] });
  const clubs: Club[] = [
    { key: 'club-sodra', name: 'Södra Innebandyklubb (demo)', municipality: '0180', district: 'sibf-sthlm', federations: ['sibf'], sports: ['innebandy'] },
    { key: 'club-vasa', name: 'IK Vasa (demo)', municipality: '0180', district: 'svff-sthlm', federations: ['svff'], sports: ['fotboll'] },
    { key: 'club-hisingen', name: 'Hisingens IBK (demo)', municipality: '1480', district: 'sibf-gbg', federations: ['sibf'], sports: ['innebandy'] },
    { key: 'club-malmo', name: 'Malmö Bollklubb (demo)', municipality: '1280', district: 'svff-skane', federations: ['svff'], sports: ['fotboll'] },
    {
      key: 'club-alliansen',
      name: 'Idrottsalliansen Nacka (demo)',
      municipality: '0182',
      district: 'svff-sthlm',
      federations: ['svff', 'sibf'],
      sports: ['fotboll', 'innebandy'],
      sections: [
        { key: 'club-alliansen-fotboll', name: 'Idrottsalliansen Nacka – fotboll (demo)', sport: 'fotboll' },
        { key: 'club-alliansen-innebandy', name: 'Idrottsalliansen Nacka – innebandy (demo)', sport: 'innebandy' },
      ],
    },
  ];
  for (const c of clubs) {
    org(c.key, {
      type: 'CLUB',
      name: c.name,
      parent: ref(c.district),
      federations: c.federations.map((f, i) => ({ organisation: ref(f), sport: c.sports[i] ?? null })),
      municipalityCode: c.municipality,
      sports: c.sports,
      email: `kansli@${c.key.replace('club-', '')}.example.se`,
      address: { street: 'Idrottsvägen 1', postalCode: '11122', city: 'Stockholm', countryCode: 'SE' },
    });
    for (const s of c.sections ?? []) org(s.key, { type: 'SECTION', name: s.name, parent: ref(c.key), municipalityCode: c.municipality, sports: [s.sport] });
  }

  // Members: the youth of each club's groups and their leaders.
  const persons: DemoRecord[] = [];
  const groups: DemoRecord[] = [];
  const activities: DemoRecord[] = [];
  let serial = 0;
  const person = (club: string, birthYear: number, leader: boolean): string => {
    const female = rnd() < 0.5;
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const birthDate = `${birthYear}-${pad(month, 2)}-${pad(day, 2)}`;
    const externalId = `p-${pad(++serial, 4)}`;
    const first = (female ? GIRLS : BOYS)[Math.floor(rnd() * 15)];
    const last = SURNAMES[Math.floor(rnd() * SURNAMES.length)];
    persons.push({
      entityType: 'person',
      externalId,
      op: 'UPSERT',
      payload: {
        personalIdentityNumber: personnummer(birthDate, 200 + serial * 7, female),
        firstName: first,
        lastName: last,
        birthDate,
        sex: female ? 'FEMALE' : 'MALE',
        ...(leader ? { email: `${first}.${last}.${serial}@example.se`.toLowerCase() } : {}),
        disability: !leader && rnd() < 0.03,
        memberships: [{ organisation: ref(club), from: `${Math.max(birthYear + 6, 2019)}-01-01` }],
      },
    });
    return externalId;
  };

  // A spring season: weekly trainings from the second week of January to mid-June.
  const seasonStart = Date.UTC(2026, 0, 12);
  const weeks = 22;
  let groupNo = 0;
  for (const c of clubs) {
    const homes = c.sections ?? [{ key: c.key, name: c.name, sport: c.sports[0] }];
    for (const home of homes) {
      for (const [born, label] of [
        [2014, 'P/F 2014'],
        [2011, 'P/F 2011'],
      ] as const) {
        groupNo++;
        const leaders = [person(home.key, 1975 + Math.floor(rnd() * 20), true), person(home.key, 1980 + Math.floor(rnd() * 15), true)];
        const youth = Array.from({ length: 18 + Math.floor(rnd() * 8) }, () => person(home.key, born + Math.floor(rnd() * 2), false));
        const groupId = `g-${pad(groupNo, 3)}`;
        groups.push({
          entityType: 'group',
          externalId: groupId,
          op: 'UPSERT',
          payload: {
            organisation: ref(home.key),
            name: `${home.sport === 'fotboll' ? 'Fotboll' : 'Innebandy'} ${label}`,
            type: 'TRAINING',
            sport: home.sport,
            status: 'ACTIVE',
            members: [
              ...leaders.map((p) => ({ person: ref(p), role: 'LEADER', from: '2025-08-01' })),
              ...youth.map((p) => ({ person: ref(p), role: 'PARTICIPANT', from: '2025-08-01' })),
            ],
          },
        });
        const weekday = groupNo % 5; // Monday to Friday
        const hour = 16 + (groupNo % 4);
        for (let w = 0; w < weeks; w++) {
          const startsAt = new Date(seasonStart + (w * 7 + weekday) * 86_400_000 + hour * 3_600_000);
          const endsAt = new Date(startsAt.getTime() + 90 * 60_000);
          const held = endsAt.getTime() < today.getTime();
          activities.push({
            entityType: 'activity',
            externalId: `${groupId}-w${pad(w + 1, 2)}`,
            op: 'UPSERT',
            payload: {
              organisation: ref(home.key),
              group: ref(groupId),
              type: 'TRAINING',
              title: `Träning ${label}`,
              sport: home.sport,
              startsAt: startsAt.toISOString(),
              endsAt: endsAt.toISOString(),
              location: home.sport === 'fotboll' ? 'Konstgräsplanen' : 'Sporthallen',
              status: held ? 'HELD' : 'PLANNED',
              participants: [
                ...leaders.map((p) => ({ person: ref(p), role: 'LEADER', attended: held })),
                ...youth.map((p) => ({ person: ref(p), role: 'PARTICIPANT', attended: held && rnd() < 0.8 })),
              ],
            },
          });
        }
      }
    }
  }
  return { organisations, persons, groups, activities };
}
