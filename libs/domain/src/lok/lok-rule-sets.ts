/**
 * LOK-stöd (statligt lokalt aktivitetsstöd) rule sets (DESIGN §3): the state rules, versioned by
 * the date of the activity, and a municipality's own rules as parameters over them.
 */

/** The state rule sets by the date they took effect (inclusive), oldest first. */
export type LokStateRuleSetId = 'LOK_BEFORE_2022' | 'LOK_2022' | 'LOK_2023_07';

/** A cap on counted activities of one person in one age band (ages as "turns N during the year"). */
export interface LokAgeBandCap {
  readonly minAge: number;
  /** Inclusive; null = no upper limit (persons with a disability older than the band). */
  readonly maxAge: number | null;
  readonly max: number;
}

/** A municipality that supports only its residents: a person's postal code or city must match. */
export interface LokResidenceRule {
  /** Postal code prefixes of the municipality (`'721'`, `'7222'`): a person whose postal code starts with one lives there. */
  readonly postalCodePrefixes?: readonly string[];
  /** City names (postort), compared case-insensitively. */
  readonly cities?: readonly string[];
}

/** The rules one activity is judged by: a state rule set with a municipality's parameters applied. */
export interface LokRules {
  /** `LOK_2023_07`, or `LOK_2023_07+<municipal name>` when municipal parameters apply. */
  readonly id: string;
  readonly stateRuleSet: LokStateRuleSetId;
  /** Participants turn minAge…maxAge during the activity's calendar year (no upper limit with a disability). */
  readonly minAge: number;
  readonly maxAge: number;
  readonly minParticipants: number;
  /** A leader must have turned this age on the day of the activity. */
  readonly minLeaderAge: number;
  /** Whether a leader whose age is inside the participant band is also counted as participant (a municipal choice; the state rules say no). */
  readonly leadersCountAsParticipants: boolean;
  readonly minDurationMinutes: number;
  /** Participants counted per counted leader (from 2023-07-01: 20); null = no per-leader cap. */
  readonly maxParticipantsPerLeader: number | null;
  /** Participants counted per activity (before 2023-07-01: 30); null = no such cap. */
  readonly maxParticipantsPerActivity: number | null;
  /** Counted activities per person and ISO week, by age band (from 2022). */
  readonly weeklyCaps: readonly LokAgeBandCap[];
  /** Counted activities per person and calendar year, by age band (municipal). */
  readonly yearlyCaps: readonly LokAgeBandCap[];
  /** Only residents of the municipality count (municipal); null = anyone. */
  readonly residence: LokResidenceRule | null;
}

/** A municipality's rule set: every parameter optional, each replaces the state rule's value. */
export interface LokMunicipalRules {
  /** Shown in verdicts and summaries (`Uppsala kommun`). */
  readonly name: string;
  readonly minAge?: number;
  readonly maxAge?: number;
  readonly minParticipants?: number;
  readonly minLeaderAge?: number;
  readonly leadersCountAsParticipants?: boolean;
  readonly minDurationMinutes?: number;
  readonly maxParticipantsPerLeader?: number | null;
  readonly weeklyCaps?: readonly LokAgeBandCap[];
  readonly yearlyCaps?: readonly LokAgeBandCap[];
  readonly residence?: LokResidenceRule | null;
}

interface StateRuleSet extends Omit<LokRules, 'id' | 'stateRuleSet'> {
  readonly id: LokStateRuleSetId;
  /** First day (YYYY-MM-DD, Swedish calendar) the rule set applies to; null = since ever. */
  readonly validFrom: string | null;
}

const WEEKLY_CAPS_FROM_2022: readonly LokAgeBandCap[] = [
  { minAge: 7, maxAge: 9, max: 3 },
  { minAge: 10, maxAge: null, max: 5 },
];

const BEFORE_2022: StateRuleSet = {
  id: 'LOK_BEFORE_2022',
  validFrom: null,
  minAge: 7,
  maxAge: 25,
  minParticipants: 3,
  minLeaderAge: 13,
  leadersCountAsParticipants: false,
  minDurationMinutes: 60,
  maxParticipantsPerLeader: null,
  maxParticipantsPerActivity: 30,
  weeklyCaps: [],
  yearlyCaps: [],
  residence: null,
};

/** The state rule sets, oldest first (DESIGN §3). */
export const LOK_STATE_RULE_SETS: readonly StateRuleSet[] = [
  BEFORE_2022,
  { ...BEFORE_2022, id: 'LOK_2022', validFrom: '2022-01-01', weeklyCaps: WEEKLY_CAPS_FROM_2022 },
  {
    ...BEFORE_2022,
    id: 'LOK_2023_07',
    validFrom: '2023-07-01',
    minDurationMinutes: 45,
    maxParticipantsPerLeader: 20,
    maxParticipantsPerActivity: null,
    weeklyCaps: WEEKLY_CAPS_FROM_2022,
  },
];

/** The state rule set in force on `date` (YYYY-MM-DD, the activity's day in Sweden). */
export function lokStateRuleSetFor(date: string): StateRuleSet {
  let found = LOK_STATE_RULE_SETS[0];
  for (const set of LOK_STATE_RULE_SETS) if (set.validFrom === null || set.validFrom <= date) found = set;
  return found;
}

const cache = new Map<string, LokRules>();
const municipalIds = new WeakMap<LokMunicipalRules, number>();
let nextMunicipalId = 0;

/** The rules for an activity on `date`: the state rule set of that date with the municipality's parameters over it. */
export function lokRulesFor(date: string, municipal: LokMunicipalRules | null = null): LokRules {
  const state = lokStateRuleSetFor(date);
  if (municipal === null) return cachedRules(`${state.id}`, () => ({ ...withoutValidFrom(state), stateRuleSet: state.id }));
  let mid = municipalIds.get(municipal);
  if (mid === undefined) municipalIds.set(municipal, (mid = nextMunicipalId++));
  return cachedRules(`${state.id}#${mid}`, () => ({
    ...withoutValidFrom(state),
    stateRuleSet: state.id,
    id: `${state.id}+${municipal.name}`,
    minAge: municipal.minAge ?? state.minAge,
    maxAge: municipal.maxAge ?? state.maxAge,
    minParticipants: municipal.minParticipants ?? state.minParticipants,
    minLeaderAge: municipal.minLeaderAge ?? state.minLeaderAge,
    leadersCountAsParticipants: municipal.leadersCountAsParticipants ?? state.leadersCountAsParticipants,
    minDurationMinutes: municipal.minDurationMinutes ?? state.minDurationMinutes,
    maxParticipantsPerLeader: municipal.maxParticipantsPerLeader === undefined ? state.maxParticipantsPerLeader : municipal.maxParticipantsPerLeader,
    weeklyCaps: municipal.weeklyCaps ?? state.weeklyCaps,
    yearlyCaps: municipal.yearlyCaps ?? state.yearlyCaps,
    residence: municipal.residence ?? state.residence,
  }));
}

function withoutValidFrom(state: StateRuleSet): Omit<LokRules, 'stateRuleSet'> {
  const { validFrom: _validFrom, ...rules } = state;
  return rules;
}

function cachedRules(key: string, make: () => LokRules): LokRules {
  let rules = cache.get(key);
  if (!rules) cache.set(key, (rules = make()));
  return rules;
}

/** The cap of the band `age` falls in; an age above every band (a disability) takes the oldest band's. */
export function lokCapFor(caps: readonly LokAgeBandCap[], age: number): number | null {
  let oldest: LokAgeBandCap | undefined;
  for (const cap of caps) {
    if (age >= cap.minAge && (cap.maxAge === null || age <= cap.maxAge)) return cap.max;
    if (!oldest || cap.minAge > oldest.minAge) oldest = cap;
  }
  return oldest && age > oldest.minAge ? oldest.max : null;
}
