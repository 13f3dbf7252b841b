import type { StoredAgreement } from '../database/agreement.store';
import { nextDue } from './connector-scheduler';

const withSchedule = (schedule: StoredAgreement['agreement']['schedule']) => ({ schedule }) as StoredAgreement['agreement'];

describe(nextDue.name, () => {
  it.each([
    ['in winter (UTC+1)', '2026-12-01T00:00:00Z', '2026-12-01T02:00:00.000Z'],
    ['in summer (UTC+2)', '2026-07-01T00:00:00Z', '2026-07-01T01:00:00.000Z'],
    ['on the night clocks go forward (29 March 2026)', '2026-03-28T23:30:00Z', '2026-03-29T01:00:00.000Z'],
    ['on the night clocks go back (25 October 2026)', '2026-10-24T23:30:00Z', '2026-10-25T02:00:00.000Z'],
  ])('should read "0 3 * * *" as 03:00 in Stockholm %s', (_, after, due) => {
    expect(nextDue(withSchedule({ kind: 'CRON', cron: '0 3 * * *' }), new Date(after))?.toISOString()).toBe(due);
  });

  it('should make a CONTINUOUS connector due at once, and a MANUAL one never', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    expect(nextDue(withSchedule({ kind: 'CONTINUOUS', cron: null }), now)).toEqual(now);
    expect(nextDue(withSchedule({ kind: 'MANUAL', cron: null }), now)).toBeUndefined();
  });
});
