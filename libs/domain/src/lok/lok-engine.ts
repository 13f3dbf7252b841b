import { calendarDateInSweden } from '../calendar-date';
import { ageOnDate, lokAgeInYear } from './lok-age';
import { lokCapFor, lokRulesFor, type LokMunicipalRules, type LokRules } from './lok-rule-sets';

/** Why an activity, or one person in it, is not counted (machine-readable; part of the API). */
export const LokReasonCode = {
  ACTIVITY_CANCELLED: 'ACTIVITY_CANCELLED',
  TOO_SHORT: 'TOO_SHORT',
  TOO_FEW_PARTICIPANTS: 'TOO_FEW_PARTICIPANTS',
  NO_ELIGIBLE_LEADER: 'NO_ELIGIBLE_LEADER',
  LEADER_TOO_YOUNG: 'LEADER_TOO_YOUNG',
  LEADER_NOT_COUNTED_AS_PARTICIPANT: 'LEADER_NOT_COUNTED_AS_PARTICIPANT',
  PARTICIPANT_AGE_OUTSIDE_BAND: 'PARTICIPANT_AGE_OUTSIDE_BAND',
  NOT_ATTENDED: 'NOT_ATTENDED',
  UNKNOWN_PERSON: 'UNKNOWN_PERSON',
  NOT_RESIDENT: 'NOT_RESIDENT',
  ALREADY_COUNTED_SAME_SPORT_AND_DAY: 'ALREADY_COUNTED_SAME_SPORT_AND_DAY',
  WEEKLY_CAP_REACHED: 'WEEKLY_CAP_REACHED',
  YEARLY_CAP_REACHED: 'YEARLY_CAP_REACHED',
  PARTICIPANTS_PER_LEADER_CAP: 'PARTICIPANTS_PER_LEADER_CAP',
  PARTICIPANTS_PER_ACTIVITY_CAP: 'PARTICIPANTS_PER_ACTIVITY_CAP',
} as const;
export type LokReasonCode = (typeof LokReasonCode)[keyof typeof LokReasonCode];

/** What the engine needs of a person (no names: verdicts never carry them). */
export interface LokPerson {
  readonly id: string;
  /** YYYY-MM-DD (from the personnummer where there is one: `lokBirthDate`). */
  readonly birthDate: string;
  readonly sex: 'FEMALE' | 'MALE' | 'UNKNOWN';
  readonly disability: boolean;
  /** Only for municipal residence rules. */
  readonly postalCode?: string | null;
  readonly city?: string | null;
}

export interface LokParticipantInput {
  readonly personId: string;
  readonly role: 'LEADER' | 'PARTICIPANT';
  readonly attended: boolean;
}

export interface LokActivityInput {
  readonly id: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** The activity's sport, else its group's; null = one "unspecified" sport for the once-per-sport-and-day rule. */
  readonly sport: string | null;
  readonly status: 'PLANNED' | 'HELD' | 'CANCELLED';
  readonly participants: readonly LokParticipantInput[];
}

/**
 * One reason. `blocking` reasons make the activity ineligible; the others say why one person is
 * not counted. `field` points into the activity (`endsAt`, `participants[3]`). Messages never
 * carry names or personnummer; `personId` is the person's uuid.
 */
export interface LokReason {
  readonly code: LokReasonCode;
  readonly field: string;
  readonly message: string;
  readonly blocking: boolean;
  readonly personId?: string;
}

export interface LokCountedPerson {
  readonly personId: string;
  /** The age turned during the year (participants), or full years on the day (leaders). */
  readonly age: number;
  readonly sex: LokPerson['sex'];
  readonly disability: boolean;
}

export interface LokVerdict {
  readonly activityId: string;
  /** The activity's day in Sweden (YYYY-MM-DD). */
  readonly date: string;
  readonly ruleSet: string;
  readonly durationMinutes: number;
  readonly eligible: boolean;
  /** Counted toward LOK-stöd: 0 when the activity is not eligible. */
  readonly participantsCounted: number;
  readonly leadersCounted: number;
  readonly participants: readonly LokCountedPerson[];
  readonly leaders: readonly LokCountedPerson[];
  readonly reasons: readonly LokReason[];
}

export interface LokEvaluationOptions {
  readonly municipal?: LokMunicipalRules | null;
}

const UNSPECIFIED_SPORT = '';

/**
 * The order activities are evaluated in, which decides who is counted where the per-person caps
 * bite: by start time, then by id (both ascending).
 */
export function compareLokActivities(a: LokActivityInput, b: LokActivityInput): number {
  const byTime = a.startsAt.getTime() - b.startsAt.getTime();
  return byTime !== 0 ? byTime : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** ISO 8601 week (`2026-W01`) of a YYYY-MM-DD date: weeks start on Monday. */
export function isoWeekOf(date: string): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the week's Thursday decides its year
  const year = d.getUTCFullYear();
  const week = 1 + Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Evaluates activities against the LOK-stöd rules and the per-person caps across them (DESIGN §3).
 * Activities are taken in `compareLokActivities` order (start time, then id); within an activity,
 * candidates are taken by person id, so the same input always gives the same verdicts. A person's
 * caps (once per sport and day, per week, per year) are spent only by activities that are eligible.
 * Give it every activity from before the period that can spend a cap (the week, or the year for
 * yearly caps) and keep the verdicts of the period.
 */
export class LokEngine {
  private readonly countedSportDays = new Set<string>();
  private readonly weekCounts = new Map<string, number>();
  private readonly yearCounts = new Map<string, number>();

  constructor(
    private readonly persons: ReadonlyMap<string, LokPerson>,
    private readonly options: LokEvaluationOptions = {},
  ) {}

  /** Evaluates in the documented order; returns the verdicts in that order. */
  evaluateAll(activities: readonly LokActivityInput[]): LokVerdict[] {
    return [...activities].sort(compareLokActivities).map((a) => this.evaluate(a));
  }

  /** Evaluates one activity after those already evaluated (call in `compareLokActivities` order). */
  evaluate(activity: LokActivityInput): LokVerdict {
    const date = calendarDateInSweden(activity.startsAt);
    const rules = lokRulesFor(date, this.options.municipal ?? null);
    const durationMinutes = Math.floor((activity.endsAt.getTime() - activity.startsAt.getTime()) / 60_000);
    const reasons: LokReason[] = [];
    const block = (code: LokReasonCode, field: string, message: string): void => void reasons.push({ code, field, message, blocking: true });
    const skip = (code: LokReasonCode, index: number, personId: string, message: string): void =>
      void reasons.push({ code, field: `participants[${index}]`, message, blocking: false, personId });

    if (activity.status === 'CANCELLED') block('ACTIVITY_CANCELLED', 'status', 'The activity was cancelled.');
    if (durationMinutes < rules.minDurationMinutes)
      block('TOO_SHORT', 'endsAt', `The activity lasted ${durationMinutes} minutes; ${rules.id} needs at least ${rules.minDurationMinutes}.`);

    // Leaders: attended, known, turned minLeaderAge on the day.
    const leaders: LokCountedPerson[] = [];
    const leaderIds = new Set<string>();
    activity.participants.forEach((p, index) => {
      if (p.role !== 'LEADER' || leaderIds.has(p.personId)) return;
      leaderIds.add(p.personId);
      const person = this.persons.get(p.personId);
      if (!person) return skip('UNKNOWN_PERSON', index, p.personId, 'The leader is not (or no longer) in the register.');
      if (!p.attended) return skip('NOT_ATTENDED', index, p.personId, 'The leader is not marked as attended.');
      const age = ageOnDate(person.birthDate, date);
      if (age < rules.minLeaderAge) return skip('LEADER_TOO_YOUNG', index, p.personId, `A leader must have turned ${rules.minLeaderAge} on the day; this one is ${age}.`);
      leaders.push({ personId: person.id, age, sex: person.sex, disability: person.disability });
    });

    // Participant candidates: attended, known, in the age band, resident where the municipality asks.
    const sport = activity.sport ?? UNSPECIFIED_SPORT;
    const year = date.slice(0, 4);
    const week = isoWeekOf(date);
    const candidates: { person: LokPerson; index: number; age: number }[] = [];
    const seen = new Set<string>();
    const consider = (p: LokParticipantInput, index: number, asLeader: boolean): void => {
      if (seen.has(p.personId)) return;
      const person = this.persons.get(p.personId);
      if (!person) return skip('UNKNOWN_PERSON', index, p.personId, 'The participant is not (or no longer) in the register.');
      if (!p.attended) return skip('NOT_ATTENDED', index, p.personId, 'The participant is not marked as attended.');
      const age = lokAgeInYear(person.birthDate, date);
      if (age < rules.minAge || (age > rules.maxAge && !person.disability)) {
        if (asLeader) return; // a leader outside the band is simply a leader
        return skip(
          'PARTICIPANT_AGE_OUTSIDE_BAND',
          index,
          p.personId,
          `Participants turn ${rules.minAge}–${rules.maxAge} during the year (no upper limit with a disability); this one turns ${age}.`,
        );
      }
      if (rules.residence && !isResident(person, rules))
        return skip('NOT_RESIDENT', index, p.personId, 'The municipality counts only its residents; the participant lives elsewhere (or where is unknown).');
      seen.add(p.personId);
      if (this.countedSportDays.has(`${p.personId}|${sport}|${date}`))
        return skip('ALREADY_COUNTED_SAME_SPORT_AND_DAY', index, p.personId, 'The participant was already counted in an earlier activity of the same sport that day.');
      const weekCap = lokCapFor(rules.weeklyCaps, age);
      if (weekCap !== null && (this.weekCounts.get(`${p.personId}|${week}`) ?? 0) >= weekCap)
        return skip('WEEKLY_CAP_REACHED', index, p.personId, `The participant was already counted in ${weekCap} activities in ${week} (the cap at age ${age}).`);
      const yearCap = lokCapFor(rules.yearlyCaps, age);
      if (yearCap !== null && (this.yearCounts.get(`${p.personId}|${year}`) ?? 0) >= yearCap)
        return skip('YEARLY_CAP_REACHED', index, p.personId, `The participant was already counted in ${yearCap} activities in ${year} (the municipality's cap at age ${age}).`);
      candidates.push({ person, index, age });
    };
    activity.participants.forEach((p, index) => {
      if (p.role === 'LEADER') return;
      if (leaderIds.has(p.personId)) return skip('LEADER_NOT_COUNTED_AS_PARTICIPANT', index, p.personId, 'A leader of the activity is not counted as participant.');
      consider(p, index, false);
    });
    if (rules.leadersCountAsParticipants) {
      const counted = new Set(leaders.map((l) => l.personId));
      activity.participants.forEach((p, index) => {
        if (p.role === 'LEADER' && counted.has(p.personId)) consider(p, index, true);
      });
    }

    // Caps per leader (from 2023-07-01) or per activity (before): the first by person id are counted.
    candidates.sort((a, b) => (a.person.id < b.person.id ? -1 : a.person.id > b.person.id ? 1 : 0));
    let limit = candidates.length;
    let capCode: LokReasonCode | null = null;
    if (rules.maxParticipantsPerLeader !== null && leaders.length > 0 && rules.maxParticipantsPerLeader * leaders.length < limit) {
      limit = rules.maxParticipantsPerLeader * leaders.length;
      capCode = 'PARTICIPANTS_PER_LEADER_CAP';
    }
    if (rules.maxParticipantsPerActivity !== null && rules.maxParticipantsPerActivity < limit) {
      limit = rules.maxParticipantsPerActivity;
      capCode = 'PARTICIPANTS_PER_ACTIVITY_CAP';
    }
    for (const c of candidates.slice(limit)) {
      const message =
        capCode === 'PARTICIPANTS_PER_LEADER_CAP'
          ? `At most ${rules.maxParticipantsPerLeader} participants are counted per leader; ${leaders.length} leader(s) count ${limit}.`
          : `At most ${rules.maxParticipantsPerActivity} participants are counted per activity.`;
      skip(capCode!, c.index, c.person.id, message);
    }
    const counted = candidates.slice(0, limit);

    if (leaders.length === 0) block('NO_ELIGIBLE_LEADER', 'participants', `An activity needs at least one attending leader who has turned ${rules.minLeaderAge} on the day.`);
    if (counted.length < rules.minParticipants)
      block('TOO_FEW_PARTICIPANTS', 'participants', `${counted.length} participant(s) can be counted; at least ${rules.minParticipants} are needed.`);

    const eligible = !reasons.some((r) => r.blocking);
    if (eligible) {
      for (const c of counted) {
        this.countedSportDays.add(`${c.person.id}|${sport}|${date}`);
        this.weekCounts.set(`${c.person.id}|${week}`, (this.weekCounts.get(`${c.person.id}|${week}`) ?? 0) + 1);
        this.yearCounts.set(`${c.person.id}|${year}`, (this.yearCounts.get(`${c.person.id}|${year}`) ?? 0) + 1);
      }
    }
    return {
      activityId: activity.id,
      date,
      ruleSet: rules.id,
      durationMinutes,
      eligible,
      participantsCounted: eligible ? counted.length : 0,
      leadersCounted: eligible ? leaders.length : 0,
      participants: eligible ? counted.map((c) => ({ personId: c.person.id, age: c.age, sex: c.person.sex, disability: c.person.disability })) : [],
      leaders: eligible ? leaders : [],
      reasons,
    };
  }
}

/** Evaluates activities in the documented order (start time, then id) with fresh per-person caps. */
export function evaluateLokActivities(activities: readonly LokActivityInput[], persons: ReadonlyMap<string, LokPerson>, options: LokEvaluationOptions = {}): LokVerdict[] {
  return new LokEngine(persons, options).evaluateAll(activities);
}

function isResident(person: LokPerson, rules: LokRules): boolean {
  const residence = rules.residence!;
  const postal = person.postalCode?.replace(/\s/g, '') ?? '';
  if (postal !== '' && (residence.postalCodePrefixes ?? []).some((p) => postal.startsWith(p))) return true;
  const city = person.city?.trim().toLocaleLowerCase('sv-SE') ?? '';
  return city !== '' && (residence.cities ?? []).some((c) => c.trim().toLocaleLowerCase('sv-SE') === city);
}
