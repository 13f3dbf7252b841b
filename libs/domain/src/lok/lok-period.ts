/**
 * LOK-stöd application periods (DESIGN §3): January–June (`2026H1`, deadline 25 August of the same
 * year) and July–December (`2026H2`, deadline 25 February of the next year).
 */
export interface LokPeriod {
  readonly id: string;
  readonly year: number;
  readonly half: 1 | 2;
  /** First day, YYYY-MM-DD (Swedish calendar). */
  readonly from: string;
  /** Last day, inclusive. */
  readonly to: string;
  /** The last day an application is on time. */
  readonly deadline: string;
}

const PERIOD = /^(\d{4})H([12])$/;

/** `2026H1` / `2026H2` (years 2000–2099), else null. */
export function parseLokPeriod(text: string): LokPeriod | null {
  const m = PERIOD.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2099) return null;
  const half = m[2] === '1' ? 1 : 2;
  return half === 1
    ? { id: text, year, half, from: `${year}-01-01`, to: `${year}-06-30`, deadline: `${year}-08-25` }
    : { id: text, year, half, from: `${year}-07-01`, to: `${year}-12-31`, deadline: `${year + 1}-02-25` };
}

/**
 * Reduction for a late application (configuration, not RF's text: a municipality or RF decides):
 * nothing up to the deadline; after it `percentPerStartedWeek` per started week late, at most `maxPercent`.
 */
export interface LokLateReductionRule {
  readonly percentPerStartedWeek: number;
  readonly maxPercent: number;
}

export const DEFAULT_LOK_LATE_REDUCTION: LokLateReductionRule = { percentPerStartedWeek: 10, maxPercent: 100 };

export interface LokLateness {
  /** The day the application is (or would be) submitted. */
  readonly asOf: string;
  readonly deadline: string;
  readonly daysLate: number;
  readonly reductionPercent: number;
}

export function lokLateness(period: LokPeriod, asOf: string, rule: LokLateReductionRule = DEFAULT_LOK_LATE_REDUCTION): LokLateness {
  const daysLate = Math.max(0, Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${period.deadline}T00:00:00Z`)) / 86_400_000));
  const reductionPercent = daysLate === 0 ? 0 : Math.min(rule.maxPercent, Math.ceil(daysLate / 7) * rule.percentPerStartedWeek);
  return { asOf, deadline: period.deadline, daysLate, reductionPercent };
}
