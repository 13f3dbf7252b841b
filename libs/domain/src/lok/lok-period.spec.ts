import { lokLateness, parseLokPeriod } from './lok-period';
import { lokAgeBandOf, summariseLok } from './lok-summary';
import type { LokVerdict } from './lok-engine';

describe('LOK-stöd periods', () => {
  it.each([
    ['2026H1', { from: '2026-01-01', to: '2026-06-30', deadline: '2026-08-25' }],
    ['2026H2', { from: '2026-07-01', to: '2026-12-31', deadline: '2027-02-25' }],
  ])('should read %s with its days and deadline', (text, expected) => {
    expect(parseLokPeriod(text)).toMatchObject({ id: text, ...expected });
  });

  it.each(['2026H3', '2026h1', '26H1', '2026-H1', '', '1999H1', '2026H1 ', '2026H1\u0000'])('should refuse %j', (text) => {
    expect(parseLokPeriod(text)).toBeNull();
  });

  it.each([
    ['2026-08-25', 0, 0],
    ['2026-08-26', 1, 10],
    ['2026-09-01', 7, 10],
    ['2026-09-02', 8, 20],
    ['2027-08-25', 365, 100],
  ])('should reduce an H1 application submitted on %s: %i days late, %i %%', (asOf, daysLate, reductionPercent) => {
    expect(lokLateness(parseLokPeriod('2026H1')!, asOf)).toEqual({ asOf, deadline: '2026-08-25', daysLate, reductionPercent });
  });
});

describe(summariseLok.name, () => {
  const verdict = (eligible: boolean, participants: [number, 'FEMALE' | 'MALE' | 'UNKNOWN'][], leaders: number): LokVerdict => ({
    activityId: 'x',
    date: '2026-03-10',
    ruleSet: 'LOK_2023_07',
    durationMinutes: 60,
    eligible,
    participantsCounted: participants.length,
    leadersCounted: leaders,
    participants: participants.map(([age, sex], i) => ({ personId: `p${i}`, age, sex, disability: age > 25 })),
    leaders: Array.from({ length: leaders }, (_, i) => ({ personId: `l${i}`, age: 40, sex: 'MALE' as const, disability: false })),
    reasons: eligible ? [] : [{ code: 'TOO_SHORT', field: 'endsAt', message: '…', blocking: true }],
  });

  it('should count occasions by age band and sex, leader occasions and the amounts after a reduction', () => {
    const s = summariseLok(
      [
        verdict(
          true,
          [
            [7, 'FEMALE'],
            [12, 'MALE'],
            [13, 'FEMALE'],
            [30, 'UNKNOWN'],
          ],
          1,
        ),
        verdict(false, [], 0),
      ],
      { perActivity: 34, perParticipantOccasion: 9, perLeaderOccasion: 0 },
      { reductionPercent: 10 },
    );
    expect(s.activities).toEqual({ evaluated: 2, eligible: 1, notEligible: 1 });
    expect(s.participantOccasions.total).toBe(4);
    expect(s.participantOccasions.byAgeBand['7-12']).toEqual({ FEMALE: 1, MALE: 1, UNKNOWN: 0, total: 2 });
    expect(s.participantOccasions.byAgeBand['26+']).toEqual({ FEMALE: 0, MALE: 0, UNKNOWN: 1, total: 1 });
    expect(s.leaderOccasions).toEqual({ FEMALE: 0, MALE: 1, UNKNOWN: 0, total: 1 });
    expect(s.reasons).toEqual({ TOO_SHORT: 1 });
    expect(s.amounts).toMatchObject({ activities: 34, participantOccasions: 36, leaderOccasions: 0, total: 70, reductionPercent: 10, afterReduction: 63 });
    expect([lokAgeBandOf(16), lokAgeBandOf(17), lokAgeBandOf(25), lokAgeBandOf(26)]).toEqual(['13-16', '17-20', '21-25', '26+']);
  });
});
