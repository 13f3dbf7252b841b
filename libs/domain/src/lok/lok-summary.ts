import type { LokVerdict } from './lok-engine';
import type { LokLateness } from './lok-period';

/** The age bands of the application's participant occasions (ages as turned during the year); `26+` is persons with a disability. */
export const LOK_AGE_BANDS = [
  { band: '7-12', minAge: 7, maxAge: 12 },
  { band: '13-16', minAge: 13, maxAge: 16 },
  { band: '17-20', minAge: 17, maxAge: 20 },
  { band: '21-25', minAge: 21, maxAge: 25 },
  { band: '26+', minAge: 26, maxAge: Number.POSITIVE_INFINITY },
] as const;
export type LokAgeBand = (typeof LOK_AGE_BANDS)[number]['band'];

/** The band of an age; a municipality's wider band (under 7) lands in the youngest. */
export function lokAgeBandOf(age: number): LokAgeBand {
  for (const b of LOK_AGE_BANDS) if (age <= b.maxAge) return b.band;
  return '26+';
}

/** Rates in SEK (configuration: RF and each municipality decide them). */
export interface LokRates {
  readonly perActivity: number;
  readonly perParticipantOccasion: number;
  readonly perLeaderOccasion: number;
}

export interface LokBySex {
  readonly FEMALE: number;
  readonly MALE: number;
  readonly UNKNOWN: number;
  readonly total: number;
}

export interface LokSummary {
  readonly activities: { readonly evaluated: number; readonly eligible: number; readonly notEligible: number };
  readonly participantOccasions: { readonly total: number; readonly byAgeBand: Readonly<Record<LokAgeBand, LokBySex>> };
  readonly leaderOccasions: LokBySex;
  /** How often each reason code occurs in the period's verdicts. */
  readonly reasons: Readonly<Record<string, number>>;
  readonly amounts: {
    readonly currency: 'SEK';
    readonly rates: LokRates;
    readonly activities: number;
    readonly participantOccasions: number;
    readonly leaderOccasions: number;
    readonly total: number;
    readonly reductionPercent: number;
    readonly afterReduction: number;
  };
}

const emptyBySex = (): { FEMALE: number; MALE: number; UNKNOWN: number; total: number } => ({ FEMALE: 0, MALE: 0, UNKNOWN: 0, total: 0 });

/** The application summary of a period's verdicts: occasions by age band and sex, leader occasions, estimated amounts. */
export function summariseLok(verdicts: readonly LokVerdict[], rates: LokRates, lateness: Pick<LokLateness, 'reductionPercent'>): LokSummary {
  const byAgeBand = Object.fromEntries(LOK_AGE_BANDS.map((b) => [b.band, emptyBySex()])) as Record<LokAgeBand, ReturnType<typeof emptyBySex>>;
  const leaders = emptyBySex();
  const reasons: Record<string, number> = {};
  let eligible = 0;
  let participantTotal = 0;
  for (const v of verdicts) {
    for (const r of v.reasons) reasons[r.code] = (reasons[r.code] ?? 0) + 1;
    if (!v.eligible) continue;
    eligible++;
    for (const p of v.participants) {
      const cell = byAgeBand[lokAgeBandOf(p.age)];
      cell[p.sex]++;
      cell.total++;
      participantTotal++;
    }
    for (const l of v.leaders) {
      leaders[l.sex]++;
      leaders.total++;
    }
  }
  const round = (n: number): number => Math.round(n * 100) / 100;
  const activities = round(eligible * rates.perActivity);
  const participantOccasions = round(participantTotal * rates.perParticipantOccasion);
  const leaderOccasions = round(leaders.total * rates.perLeaderOccasion);
  const total = round(activities + participantOccasions + leaderOccasions);
  return {
    activities: { evaluated: verdicts.length, eligible, notEligible: verdicts.length - eligible },
    participantOccasions: { total: participantTotal, byAgeBand },
    leaderOccasions: leaders,
    reasons,
    amounts: {
      currency: 'SEK',
      rates,
      activities,
      participantOccasions,
      leaderOccasions,
      total,
      reductionPercent: lateness.reductionPercent,
      afterReduction: round((total * (100 - lateness.reductionPercent)) / 100),
    },
  };
}
