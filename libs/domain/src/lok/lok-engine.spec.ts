import { makePersonnummer } from '../testing/personnummer-factory';
import { lokBirthDate, lokAgeInYear, ageOnDate } from './lok-age';
import { evaluateLokActivities, isoWeekOf, type LokActivityInput, type LokParticipantInput, type LokPerson, type LokReasonCode, type LokVerdict } from './lok-engine';
import type { LokMunicipalRules } from './lok-rule-sets';

/** Test builders: persons by id, activities at 17:00 Swedish time (16:00Z in winter, 15:00Z in summer). */
const persons = new Map<string, LokPerson>();
const person = (id: string, birthDate: string, extra: Partial<LokPerson> = {}): string => {
  persons.set(id, { id, birthDate, sex: 'FEMALE', disability: false, ...extra });
  return id;
};
const atFive = (date: string): Date => new Date(`${date}T17:00:00+0${date.slice(5, 7) >= '04' && date.slice(5, 7) <= '10' ? 2 : 1}:00`);
const p = (personId: string, attended = true): LokParticipantInput => ({ personId, role: 'PARTICIPANT', attended });
const leader = (personId: string, attended = true): LokParticipantInput => ({ personId, role: 'LEADER', attended });
const activity = (id: string, date: string, minutes: number, participants: readonly LokParticipantInput[], extra: Partial<LokActivityInput> = {}): LokActivityInput => {
  const startsAt = extra.startsAt ?? atFive(date);
  return { id, startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000), sport: 'Fotboll', status: 'HELD', participants, ...extra };
};
const codes = (v: LokVerdict): LokReasonCode[] => v.reasons.map((r) => r.code);
const reasonsOf = (v: LokVerdict, personId: string): LokReasonCode[] => v.reasons.filter((r) => r.personId === personId).map((r) => r.code);

// A pool of ordinary participants (turn 12 in 2026) and an adult leader, reused where the case is about someone else.
const kids = ['kid-1', 'kid-2', 'kid-3', 'kid-4'].map((id) => person(id, '2014-05-05'));
const coach = person('coach', '1980-02-02', { sex: 'MALE' });
const evaluate = (...activities: LokActivityInput[]): LokVerdict[] => evaluateLokActivities(activities, persons);

describe('LOK-stöd rules (DESIGN §3)', () => {
  describe('participant age: turns 7–25 during the calendar year', () => {
    it.each([
      ['turns 6 in 2026 (born 2020-12-31)', '2020-12-31', false, false, ['PARTICIPANT_AGE_OUTSIDE_BAND']],
      ['turns 7 in 2026 but is still 6 on the day (born 2019-12-31)', '2019-12-31', false, true, []],
      ['turns 7 on 1 January 2026 (born 2019-01-01)', '2019-01-01', false, true, []],
      ['turns 25 in 2026 (born 2001-12-31), 24 on the day', '2001-12-31', false, true, []],
      ['turns 26 in 2026 but is still 25 on the day (born 2000-12-31)', '2000-12-31', false, false, ['PARTICIPANT_AGE_OUTSIDE_BAND']],
      ['turns 26 with a disability (no upper limit)', '2000-12-31', true, true, []],
      ['turns 46 with a disability (no upper limit)', '1980-06-01', true, true, []],
      ['turns 6 with a disability (no lower exception)', '2020-01-01', true, false, ['PARTICIPANT_AGE_OUTSIDE_BAND']],
    ])('a participant who %s', (_case, birthDate, disability, counted, personReasons) => {
      const tested = person(`age-${birthDate}-${String(disability)}`, birthDate, { disability });
      const [v] = evaluate(activity('a-age', '2026-03-10', 60, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2]), p(tested)]));
      expect(v.eligible).toBe(true);
      expect(v.participants.some((c) => c.personId === tested)).toBe(counted);
      expect(v.participantsCounted).toBe(counted ? 4 : 3);
      expect(reasonsOf(v, tested)).toEqual(personReasons);
    });

    it('should count age by calendar year on both sides of new year', () => {
      expect(lokAgeInYear('2019-12-31', '2026-01-01')).toBe(7);
      expect(lokAgeInYear('2019-12-31', '2025-12-31')).toBe(6);
      expect(ageOnDate('2013-03-10', '2026-03-10')).toBe(13);
      expect(ageOnDate('2013-03-11', '2026-03-10')).toBe(12);
    });

    it('should take the birth date from the personnummer, the samordningsnummer less 60 days, else the birth date given', () => {
      expect(lokBirthDate({ personalIdentityNumber: makePersonnummer({ birthDate: '2015-04-03' }), birthDate: '1999-01-01' })).toBe('2015-04-03');
      expect(lokBirthDate({ personalIdentityNumber: makePersonnummer({ birthDate: '2015-04-03', coordination: true }) })).toBe('2015-04-03');
      expect(lokBirthDate({ personalIdentityNumber: null, birthDate: '2016-02-29' })).toBe('2016-02-29');
      expect(lokBirthDate({ personalIdentityNumber: null, birthDate: null })).toBeNull();
    });
  });

  describe('duration: at least 60 minutes until 2023-06-30, at least 45 from 2023-07-01', () => {
    it.each([
      ['2023-06-30', 44, false, 'LOK_2022'],
      ['2023-06-30', 45, false, 'LOK_2022'],
      ['2023-06-30', 59, false, 'LOK_2022'],
      ['2023-06-30', 60, true, 'LOK_2022'],
      ['2023-07-01', 44, false, 'LOK_2023_07'],
      ['2023-07-01', 45, true, 'LOK_2023_07'],
      ['2023-07-01', 59, true, 'LOK_2023_07'],
      ['2023-07-01', 60, true, 'LOK_2023_07'],
      ['2021-12-31', 59, false, 'LOK_BEFORE_2022'],
      ['2021-12-31', 60, true, 'LOK_BEFORE_2022'],
      ['2026-03-10', 44, false, 'LOK_2023_07'],
      ['2026-03-10', 45, true, 'LOK_2023_07'],
    ])('on %s an activity of %i minutes is eligible: %s (rule set %s)', (date, minutes, eligible, ruleSet) => {
      const [v] = evaluate(activity(`a-${date}-${minutes}`, date, minutes, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2])]));
      expect(v).toMatchObject({ eligible, ruleSet, durationMinutes: minutes, participantsCounted: eligible ? 3 : 0, leadersCounted: eligible ? 1 : 0 });
      expect(codes(v)).toEqual(eligible ? [] : ['TOO_SHORT']);
      if (!eligible) expect(v.reasons[0]).toMatchObject({ field: 'endsAt', blocking: true, message: expect.stringContaining(`${minutes} minutes`) });
    });

    it('should pick the rule set by the activity day in Sweden: 2023-06-30 23:30 UTC is 1 July in Sweden', () => {
      const [v] = evaluate(activity('a-midnight', '2023-07-01', 45, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2])], { startsAt: new Date('2023-06-30T22:30:00Z') }));
      expect(v).toMatchObject({ date: '2023-07-01', ruleSet: 'LOK_2023_07', eligible: true });
    });
  });

  describe('participants: at least 3 counted', () => {
    it.each([
      [2, false, ['TOO_FEW_PARTICIPANTS']],
      [3, true, []],
      [4, true, []],
    ])('%i participants and a leader: eligible %s', (n, eligible, reasons) => {
      const [v] = evaluate(activity(`a-n${n}`, '2026-03-10', 60, [leader(coach), ...kids.slice(0, n).map((k) => p(k))]));
      expect(v).toMatchObject({ eligible, participantsCounted: eligible ? n : 0 });
      expect(codes(v)).toEqual(reasons);
    });

    it('should not count a participant who did not attend, nor a person no longer in the register', () => {
      const [v] = evaluate(activity('a-absent', '2026-03-10', 60, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2], false), p('erased-person')]));
      expect(v.eligible).toBe(false);
      expect(v.reasons.map((r) => [r.code, r.field])).toEqual([
        ['NOT_ATTENDED', 'participants[3]'],
        ['UNKNOWN_PERSON', 'participants[4]'],
        ['TOO_FEW_PARTICIPANTS', 'participants'],
      ]);
    });
  });

  describe('leaders: at least one who has turned 13 on the day, not counted as participant', () => {
    const twelve = person('leader-12', '2013-03-11'); // turns 13 the day after the activity
    const thirteen = person('leader-13', '2013-03-10'); // turns 13 that day
    it.each([
      ['a 12-year-old leader (13 the next day)', twelve, false, ['LEADER_TOO_YOUNG', 'NO_ELIGIBLE_LEADER']],
      ['a leader who turns 13 that day', thirteen, true, []],
      ['an adult leader', coach, true, []],
    ])('%s', (_case, leaderId, eligible, reasons) => {
      const [v] = evaluate(activity(`a-${leaderId}`, '2026-03-10', 60, [leader(leaderId), p(kids[0]), p(kids[1]), p(kids[2])]));
      expect(v).toMatchObject({ eligible, leadersCounted: eligible ? 1 : 0 });
      expect(codes(v)).toEqual(reasons);
    });

    it('should refuse an activity without any leader, and one whose leader did not attend', () => {
      const [none, absent] = evaluate(
        activity('a-no-leader', '2026-03-10', 60, [p(kids[0]), p(kids[1]), p(kids[2])]),
        activity('a-absent-leader', '2026-03-11', 60, [leader(coach, false), p(kids[0]), p(kids[1]), p(kids[2])]),
      );
      expect(codes(none)).toEqual(['NO_ELIGIBLE_LEADER']);
      expect(codes(absent)).toEqual(['NOT_ATTENDED', 'NO_ELIGIBLE_LEADER']);
    });

    it('should not count a young leader as participant (state rules), and count one where the municipality says so', () => {
      const young = person('leader-15', '2011-01-01');
      const list = [leader(young), p(kids[0]), p(kids[1]), p(young)];
      const [state] = evaluate(activity('a-young-leader', '2026-03-10', 60, list));
      expect(state).toMatchObject({ eligible: false, leadersCounted: 0, participantsCounted: 0 });
      expect(codes(state)).toEqual(['LEADER_NOT_COUNTED_AS_PARTICIPANT', 'TOO_FEW_PARTICIPANTS']);

      const municipal: LokMunicipalRules = { name: 'Ungledarkommun', leadersCountAsParticipants: true };
      const [v] = evaluateLokActivities([activity('a-young-leader', '2026-03-10', 60, [leader(young), p(kids[0]), p(kids[1])])], persons, { municipal });
      expect(v).toMatchObject({ eligible: true, ruleSet: 'LOK_2023_07+Ungledarkommun', participantsCounted: 3, leadersCounted: 1 });
    });
  });

  describe('a person counts once per sport and day', () => {
    it.each([
      ['two football trainings the same day', ['Fotboll', 'Fotboll'], ['2026-03-10', '2026-03-10'], 3, ['ALREADY_COUNTED_SAME_SPORT_AND_DAY']],
      ['football and floorball the same day', ['Fotboll', 'Innebandy'], ['2026-03-10', '2026-03-10'], 4, []],
      ['football on two days', ['Fotboll', 'Fotboll'], ['2026-03-10', '2026-03-11'], 4, []],
    ])('%s', (_case, sports, dates, countedInSecond, secondReasons) => {
      const twice = kids[3];
      const [first, second] = evaluate(
        activity('a-first', dates[0], 60, [leader(coach), p(kids[0]), p(kids[1]), p(twice)], { sport: sports[0], startsAt: new Date(`${dates[0]}T08:00:00Z`) }),
        activity('a-second', dates[1], 60, [leader(coach), p(kids[2]), p(person('day-1', '2014-01-01')), p(person('day-2', '2014-01-01')), p(twice)], { sport: sports[1] }),
      );
      expect(first).toMatchObject({ eligible: true, participantsCounted: 3 });
      expect(second).toMatchObject({ eligible: true, participantsCounted: countedInSecond });
      expect([...new Set(second.reasons.map((r) => r.code))]).toEqual(secondReasons);
      if (secondReasons.length > 0) expect(reasonsOf(second, twice)).toEqual(secondReasons);
    });

    it('should not spend the day on an activity that was not eligible', () => {
      const [first, second] = evaluate(
        activity('a-short', '2026-03-10', 30, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2])], { startsAt: new Date('2026-03-10T08:00:00Z') }),
        activity('a-full', '2026-03-10', 60, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2])]),
      );
      expect(codes(first)).toEqual(['TOO_SHORT']);
      expect(second).toMatchObject({ eligible: true, participantsCounted: 3 });
    });
  });

  describe('weekly caps from 2022: 3 counted activities a week at age 7–9, 5 at age 10–25', () => {
    const days = ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15'];
    it.each([
      ['age 8 in 2026', '2018-06-01', days.slice(0, 4), [true, true, true, false]],
      ['age 9 in 2026', '2017-06-01', days.slice(0, 4), [true, true, true, false]],
      ['age 10 in 2026', '2016-06-01', days.slice(0, 6), [true, true, true, true, true, false]],
      ['age 25 in 2026', '2001-06-01', days.slice(0, 6), [true, true, true, true, true, false]],
      ['age 8, four activities over two weeks (Sunday, then Monday)', '2018-06-01', ['2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16'], [true, true, true, true]],
      ['age 8 in 2021 (before the weekly caps)', '2013-06-01', ['2021-03-08', '2021-03-09', '2021-03-10', '2021-03-11'], [true, true, true, true]],
    ])('%s', (_case, birthDate, dates, countedPerDay) => {
      const tested = person(`weekly-${birthDate}-${dates[0]}`, birthDate);
      // Three others, new each day, so only the tested person's cap can bite.
      const others = (d: string) => [1, 2, 3].map((i) => person(`w-${d}-${i}`, '2014-01-01'));
      const verdicts = evaluate(...dates.map((d) => activity(`a-w-${d}`, d, 60, [leader(coach), ...others(d).map((o) => p(o)), p(tested)])));
      expect(verdicts.map((v) => v.participants.some((c) => c.personId === tested))).toEqual(countedPerDay);
      const last = verdicts[verdicts.length - 1];
      expect(reasonsOf(last, tested)).toEqual(countedPerDay[countedPerDay.length - 1] ? [] : ['WEEKLY_CAP_REACHED']);
      expect(verdicts.every((v) => v.eligible)).toBe(true);
    });

    it('should name the ISO week in the reason (weeks start on Monday)', () => {
      expect([isoWeekOf('2026-03-09'), isoWeekOf('2026-03-15'), isoWeekOf('2026-03-16'), isoWeekOf('2027-01-01'), isoWeekOf('2026-12-31')]).toEqual([
        '2026-W11',
        '2026-W11',
        '2026-W12',
        '2026-W53',
        '2026-W53',
      ]);
    });
  });

  describe('participants per leader: 20 per leader from 2023-07-01, 30 per activity before', () => {
    const many = Array.from({ length: 31 }, (_, i) => person(`many-${String(i).padStart(2, '0')}`, '2012-01-01'));
    const assistant = person('assistant', '1990-01-01');
    it.each([
      ['21 participants, one leader, 2026', '2026-03-10', 21, [coach], 20, ['PARTICIPANTS_PER_LEADER_CAP']],
      ['21 participants, two leaders, 2026', '2026-03-10', 21, [coach, assistant], 21, []],
      ['20 participants, one leader, 2026', '2026-03-10', 20, [coach], 20, []],
      ['21 participants, one leader, 2023-06-30', '2023-06-30', 21, [coach], 21, []],
      ['31 participants, one leader, 2023-06-30', '2023-06-30', 31, [coach], 30, ['PARTICIPANTS_PER_ACTIVITY_CAP']],
      ['31 participants, one leader, 2023-07-01', '2023-07-01', 31, [coach], 20, ['PARTICIPANTS_PER_LEADER_CAP']],
    ])('%s', (_case, date, n, leaders, counted, reasons) => {
      const [v] = evaluate(activity(`a-cap-${n}-${date}-${leaders.length}`, date, 60, [...leaders.map((l) => leader(l)), ...many.slice(0, n).map((m) => p(m))]));
      expect(v).toMatchObject({ eligible: true, participantsCounted: counted, leadersCounted: leaders.length });
      expect([...new Set(codes(v))]).toEqual(reasons);
      expect(v.reasons).toHaveLength(n - counted);
      // The last by person id are the ones left out.
      expect(v.reasons.map((r) => r.personId)).toEqual(many.slice(counted, n));
    });
  });

  describe('the activity as a whole', () => {
    it('should give every reason at once: cancelled, too short, no leader, too few', () => {
      const [v] = evaluate(activity('a-all', '2026-03-10', 30, [leader('leader-12'), p(kids[0]), p('erased-person')], { status: 'CANCELLED' }));
      expect(v.eligible).toBe(false);
      expect(codes(v)).toEqual(['ACTIVITY_CANCELLED', 'TOO_SHORT', 'LEADER_TOO_YOUNG', 'UNKNOWN_PERSON', 'NO_ELIGIBLE_LEADER', 'TOO_FEW_PARTICIPANTS']);
      expect(v.reasons.filter((r) => r.blocking).map((r) => r.field)).toEqual(['status', 'endsAt', 'participants', 'participants']);
    });

    it('should evaluate by start time, then id, whatever order the activities come in', () => {
      const twice = kids[3];
      const a = activity('a-b', '2026-03-10', 60, [leader(coach), p(kids[0]), p(kids[1]), p(twice)]);
      const b = activity('a-a', '2026-03-10', 60, [leader(coach), p(kids[2]), p(kids[1]), p(twice)]);
      const forward = evaluate(a, b);
      const backward = evaluate(b, a);
      expect(backward).toEqual(forward);
      // Same start: a-a first, so the second (a-b) loses the persons counted that day and with them its eligibility.
      expect(forward.map((v) => [v.activityId, v.eligible])).toEqual([
        ['a-a', true],
        ['a-b', false],
      ]);
      expect(codes(forward[1])).toEqual(['ALREADY_COUNTED_SAME_SPORT_AND_DAY', 'ALREADY_COUNTED_SAME_SPORT_AND_DAY', 'TOO_FEW_PARTICIPANTS']);
    });
  });

  describe('municipal rule sets', () => {
    it.each<[string, LokMunicipalRules, number, boolean, LokReasonCode[]]>([
      ['at least 5 participants', { name: 'Femkommun', minParticipants: 5 }, 60, false, ['TOO_FEW_PARTICIPANTS']],
      ['at least 90 minutes', { name: 'Långkommun', minDurationMinutes: 90 }, 60, false, ['TOO_SHORT']],
      ['ages 5–20', { name: 'Småkommun', minAge: 5 }, 60, true, []],
      ['leaders of 18', { name: 'Vuxenkommun', minLeaderAge: 18 }, 60, false, ['LEADER_TOO_YOUNG', 'NO_ELIGIBLE_LEADER']],
    ])('%s', (_case, municipal, minutes, eligible, reasons) => {
      const five = person('age-5', '2021-01-01');
      const youngLeader = person('leader-16', '2010-01-01');
      const list = municipal.minLeaderAge ? [leader(youngLeader), p(kids[0]), p(kids[1]), p(kids[2])] : [leader(coach), p(kids[0]), p(kids[1]), p(kids[2]), p(five)];
      const [v] = evaluateLokActivities([activity('a-municipal', '2026-03-10', minutes, list)], persons, { municipal });
      expect(v.eligible).toBe(eligible);
      expect([...new Set(codes(v).filter((c) => c !== 'PARTICIPANT_AGE_OUTSIDE_BAND'))]).toEqual(reasons);
      expect(v.ruleSet).toBe(`LOK_2023_07+${municipal.name}`);
    });

    it('should count only residents where the municipality asks, by postal code prefix or city', () => {
      const municipal: LokMunicipalRules = { name: 'Västerås', residence: { postalCodePrefixes: ['72'], cities: ['Västerås'] } };
      const byPostal = person('res-postal', '2014-01-01', { postalCode: '722 15' });
      const byCity = person('res-city', '2014-01-01', { city: 'VÄSTERÅS' });
      const elsewhere = person('res-elsewhere', '2014-01-01', { postalCode: '11122', city: 'Stockholm' });
      const unknown = person('res-unknown', '2014-01-01');
      const [v] = evaluateLokActivities([activity('a-res', '2026-03-10', 60, [leader(coach), p(byPostal), p(byCity), p(elsewhere), p(unknown)])], persons, { municipal });
      expect(v).toMatchObject({ eligible: false, participantsCounted: 0 });
      expect(v.reasons.map((r) => [r.code, r.personId ?? null])).toEqual([
        ['NOT_RESIDENT', elsewhere],
        ['NOT_RESIDENT', unknown],
        ['TOO_FEW_PARTICIPANTS', null],
      ]);
    });

    it('should apply a yearly cap per age band', () => {
      const municipal: LokMunicipalRules = { name: 'Takkommun', yearlyCaps: [{ minAge: 7, maxAge: 12, max: 2 }] };
      const verdicts = evaluateLokActivities(
        ['2026-01-12', '2026-02-12', '2026-03-12'].map((d) => activity(`a-y-${d}`, d, 60, [leader(coach), p(kids[0]), p(kids[1]), p(kids[2]), p(kids[3])])),
        persons,
        { municipal },
      );
      expect(verdicts.map((v) => v.participantsCounted)).toEqual([4, 4, 0]);
      expect([...new Set(codes(verdicts[2]))]).toEqual(['YEARLY_CAP_REACHED', 'TOO_FEW_PARTICIPANTS']);
    });
  });
});
