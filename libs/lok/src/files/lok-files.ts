import { stringify } from 'csv-stringify/sync';
import { create } from 'xmlbuilder2';
import type { LokListedPerson } from '../database/lok-projection.store';
import { timeInSweden, type LokApplication } from '../application/lok-application.service';

/** The columns of our municipal CSV file (docs/lok-file-format.md): one row per eligible activity. */
export const LOK_CSV_COLUMNS = [
  'period',
  'organisationNumber',
  'organisationName',
  'activityId',
  'date',
  'startTime',
  'endTime',
  'minutes',
  'sport',
  'type',
  'title',
  'group',
  'leaders',
  'participants',
  'female',
  'male',
  'unknownSex',
  'ruleSet',
] as const;

/**
 * Free text as a spreadsheet may open it: a value starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'` (OWASP CSV injection), so a title never runs as a formula.
 */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function eligibleRows(app: LokApplication, safe: (text: string) => string = (t) => t): (string | number)[][] {
  return app.verdicts
    .filter((v) => v.eligible)
    .map((v) => [
      app.period.id,
      app.organisation.organisationNumber ?? '',
      safe(app.organisation.name),
      v.activityId,
      v.date,
      timeInSweden(v.startsAt),
      timeInSweden(v.endsAt),
      v.durationMinutes,
      safe(v.sport ?? ''),
      v.type,
      safe(v.title),
      safe(v.groupName ?? ''),
      v.leadersCounted,
      v.participantsCounted,
      v.participants.filter((p) => p.sex === 'FEMALE').length,
      v.participants.filter((p) => p.sex === 'MALE').length,
      v.participants.filter((p) => p.sex === 'UNKNOWN').length,
      v.ruleSet,
    ]);
}

/** Our CSV layout: UTF-8, `;`-separated, CRLF, a header row, quoted where a value needs it. */
export function lokCsv(app: LokApplication): string {
  return stringify([[...LOK_CSV_COLUMNS], ...eligibleRows(app, spreadsheetSafe)], { delimiter: ';', record_delimiter: '\r\n' });
}

/** Our XML layout (namespace `urn:stafett:lok:1`): the application's totals and one element per eligible activity. */
export function lokXml(app: LokApplication): string {
  const s = app.summary;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('urn:stafett:lok:1', 'lokApplication', {
    period: app.period.id,
    from: app.period.from,
    to: app.period.to,
    deadline: app.period.deadline,
  });
  root.ele('organisation', {
    id: app.organisation.id,
    organisationNumber: app.organisation.organisationNumber ?? '',
    municipalityCode: app.organisation.municipalityCode ?? '',
    name: app.organisation.name,
  });
  const totals = root.ele('totals', {
    activities: s.activities.eligible,
    participantOccasions: s.participantOccasions.total,
    leaderOccasions: s.leaderOccasions.total,
  });
  for (const [band, cell] of Object.entries(s.participantOccasions.byAgeBand)) {
    totals.ele('ageBand', { band, female: cell.FEMALE, male: cell.MALE, unknownSex: cell.UNKNOWN, total: cell.total });
  }
  const activities = root.ele('activities');
  for (const row of eligibleRows(app)) {
    const [, , , id, date, startTime, endTime, minutes, sport, type, title, group, leaders, participants, female, male, unknownSex, ruleSet] = row;
    activities
      .ele('activity', { id, date, startTime, endTime, minutes, sport, type, leaders, participants, female, male, unknownSex, ruleSet })
      .ele('title')
      .txt(String(title))
      .up()
      .ele('group')
      .txt(String(group));
  }
  return root.end({ prettyPrint: true });
}

/** Personnummer as municipal systems read it (YYYYMMDD-NNNN), else the birth date (YYYYMMDD). */
function identity(p: LokListedPerson): string {
  const pnr = p.personalIdentityNumber;
  return pnr && pnr.length === 12 ? `${pnr.slice(0, 8)}-${pnr.slice(8)}` : p.birthDate.replace(/-/g, '');
}

const SEX = { FEMALE: 'K', MALE: 'M', UNKNOWN: '' } as const;

/**
 * The three-column participant list municipal systems take: `Namn;Personnummer;Kön` (name as
 * "First Last", the personnummer or the birth date, K/M). PERSONAL DATA: every person counted in an
 * eligible activity of the period, leaders included, sorted by last name, first name (Swedish order).
 */
export function lokParticipantsCsv(persons: readonly LokListedPerson[]): string {
  const sorted = [...persons].sort((a, b) => a.lastName.localeCompare(b.lastName, 'sv') || a.firstName.localeCompare(b.firstName, 'sv') || (a.id < b.id ? -1 : 1));
  return stringify([['Namn', 'Personnummer', 'Kön'], ...sorted.map((p) => [spreadsheetSafe(`${p.firstName} ${p.lastName}`), identity(p), SEX[p.sex]])], {
    delimiter: ';',
    record_delimiter: '\r\n',
  });
}
