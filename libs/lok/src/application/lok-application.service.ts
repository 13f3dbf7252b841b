import { Inject, Injectable } from '@nestjs/common';
import {
  currentDateInSweden,
  LokEngine,
  lokLateness,
  summariseLok,
  type LokLateness,
  type LokMunicipalRules,
  type LokPeriod,
  type LokSummary,
  type LokVerdict,
} from '@stafett/domain';
import { LokProjectionStore, type LokActivityRow, type LokOrganisationRow } from '../database/lok-projection.store';
import { LOK_SETTINGS, type LokSettings } from '../lok-options';

/** One activity's verdict with what a club administrator recognises it by. */
export interface LokActivityVerdict extends LokVerdict {
  readonly title: string;
  readonly type: string;
  readonly sport: string | null;
  readonly groupId: string | null;
  readonly groupName: string | null;
  readonly organisationId: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

export interface LokApplication {
  readonly organisation: LokOrganisationRow;
  readonly period: LokPeriod;
  /** The municipal rule set applied (by the club's municipality code), else null: the state rules. */
  readonly municipalRules: LokMunicipalRules | null;
  readonly lateness: LokLateness;
  readonly verdicts: readonly LokActivityVerdict[];
  readonly summary: LokSummary;
}

/** Monday of the ISO week a YYYY-MM-DD date is in. */
function mondayOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * A club's application for a period: the activities of the club and its sections, evaluated by the
 * engine in its documented order from the start of the cap window (the Monday of the period's first
 * week; 1 January where yearly caps apply), keeping the verdicts of the period's own days.
 */
@Injectable()
export class LokApplicationService {
  constructor(
    private readonly store: LokProjectionStore,
    @Inject(LOK_SETTINGS) private readonly settings: LokSettings,
  ) {}

  async application(organisation: LokOrganisationRow, period: LokPeriod, asOf: string = currentDateInSweden()): Promise<LokApplication> {
    const municipal = (organisation.municipalityCode && this.settings.municipalRules[organisation.municipalityCode]) || null;
    const yearly = (municipal?.yearlyCaps?.length ?? 0) > 0;
    const windowFrom = yearly && period.half === 2 ? `${period.year}-01-01` : mondayOf(period.from);
    const rows = await this.store.activities(organisation.id, windowFrom, period.to);
    const personIds = new Set<string>();
    for (const a of rows) for (const p of a.participants) personIds.add(p.personId);
    const persons = await this.store.persons([...personIds]);
    const byId = new Map<string, LokActivityRow>(rows.map((r) => [r.id, r]));
    const engine = new LokEngine(persons, { municipal });
    const verdicts: LokActivityVerdict[] = [];
    for (const v of engine.evaluateAll(rows)) {
      if (v.date < period.from) continue;
      const a = byId.get(v.activityId)!;
      verdicts.push({
        ...v,
        title: a.title,
        type: a.type,
        sport: a.sport,
        groupId: a.groupId,
        groupName: a.groupName,
        organisationId: a.organisationId,
        startsAt: a.startsAt.toISOString(),
        endsAt: a.endsAt.toISOString(),
      });
    }
    const lateness = lokLateness(period, asOf, this.settings.lateReduction);
    return { organisation, period, municipalRules: municipal, lateness, verdicts, summary: summariseLok(verdicts, this.settings.rates, lateness) };
  }
}

/** The local clock time (HH:MM) of an instant in Sweden. */
const swedishTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
export function timeInSweden(iso: string): string {
  return swedishTime.format(new Date(iso));
}
