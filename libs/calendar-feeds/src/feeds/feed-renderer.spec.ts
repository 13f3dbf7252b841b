import ICAL from 'ical.js';
import { renderFeed, type FeedActivity } from './feed-renderer';
import { wallClock } from './zoned-date';

function activity(overrides: Partial<FeedActivity> = {}): FeedActivity {
  return {
    id: '6f1c1f3e-2a8e-4d55-9d0a-0d6a4f1e2b01',
    version: 1,
    type: 'TRAINING',
    title: 'Träning P15',
    startsAt: new Date('2026-03-29T16:00:00Z'),
    endsAt: new Date('2026-03-29T17:30:00Z'),
    location: 'Rosendalsfältet',
    status: 'PLANNED',
    groupName: 'P15 Blå',
    organisationName: 'IK Stafett',
    updatedAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  };
}

/** The VEVENTs as the independent parser (ical.js) reads them, with times resolved through the feed's own VTIMEZONE. */
function parse(ics: string): ICAL.Event[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

describe(renderFeed.name, () => {
  afterEach(() => ICAL.TimezoneService.reset());

  it('should write local Stockholm times with TZID across the spring DST switch (last Sunday of March)', () => {
    // 2026-03-29: CET (+01) until 02:00, CEST (+02) after. 00:30Z = 01:30 local (before), 16:00Z = 18:00 local (after).
    const ics = renderFeed('P15 Blå', [
      activity({ id: '00000000-0000-4000-8000-000000000001', startsAt: new Date('2026-03-29T00:30:00Z'), endsAt: new Date('2026-03-29T03:00:00Z') }),
      activity({ id: '00000000-0000-4000-8000-000000000002', startsAt: new Date('2026-03-29T16:00:00Z'), endsAt: new Date('2026-03-29T17:30:00Z') }),
    ]);
    const [night, evening] = parse(ics);
    expect(ics).toContain('DTSTART;TZID=Europe/Stockholm:20260329T013000');
    expect(ics).toContain('DTEND;TZID=Europe/Stockholm:20260329T050000');
    expect(night.startDate.zone.tzid).toBe('Europe/Stockholm');
    expect([night.startDate.hour, night.startDate.minute, night.endDate.hour]).toEqual([1, 30, 5]);
    expect(night.startDate.toJSDate().toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(night.endDate.toJSDate().toISOString()).toBe('2026-03-29T03:00:00.000Z');
    expect([evening.startDate.hour, evening.startDate.minute]).toEqual([18, 0]);
    expect(evening.startDate.toJSDate().toISOString()).toBe('2026-03-29T16:00:00.000Z');
  });

  it('should write local Stockholm times across the autumn DST switch (last Sunday of October)', () => {
    // 2026-10-25: CEST (+02) until 03:00, CET (+01) after. 10:00Z = 11:00 local; the day before 10:00Z = 12:00 local.
    const ics = renderFeed('P15 Blå', [
      activity({ id: '00000000-0000-4000-8000-000000000003', startsAt: new Date('2026-10-24T10:00:00Z'), endsAt: new Date('2026-10-24T11:00:00Z') }),
      activity({ id: '00000000-0000-4000-8000-000000000004', startsAt: new Date('2026-10-25T10:00:00Z'), endsAt: new Date('2026-10-25T11:00:00Z') }),
    ]);
    const [saturday, sunday] = parse(ics);
    expect(saturday.startDate.hour).toBe(12);
    expect(sunday.startDate.hour).toBe(11);
    expect(saturday.startDate.toJSDate().toISOString()).toBe('2026-10-24T10:00:00.000Z');
    expect(sunday.startDate.toJSDate().toISOString()).toBe('2026-10-25T10:00:00.000Z');
  });

  it('should carry a VTIMEZONE for Europe/Stockholm and a DTSTAMP in UTC', () => {
    const ics = renderFeed('P15 Blå', [activity()]);
    expect(ics).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Stockholm\r\n/);
    expect(ics).toContain('DTSTAMP:20260301T100000Z');
  });

  it('should give the event the UID <activityId>@stafett and the version as SEQUENCE', () => {
    const [event] = parse(renderFeed('x', [activity({ id: '6f1c1f3e-2a8e-4d55-9d0a-0d6a4f1e2b01', version: 7 })]));
    expect(event.uid).toBe('6f1c1f3e-2a8e-4d55-9d0a-0d6a4f1e2b01@stafett');
    expect(event.sequence).toBe(7);
    expect(event.summary).toBe('Träning P15');
    expect(event.location).toBe('Rosendalsfältet');
    expect(event.description).toBe('Träning · P15 Blå · IK Stafett');
  });

  it('should keep a cancelled activity with STATUS:CANCELLED', () => {
    const [event] = parse(renderFeed('x', [activity({ status: 'CANCELLED' })]));
    expect(event.component.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('should render the same bytes for the same activities', () => {
    expect(renderFeed('x', [activity()])).toBe(renderFeed('x', [activity()]));
  });
});

describe(wallClock.name, () => {
  it('should read Stockholm wall-clock time on both sides of each DST switch, minute by minute', () => {
    const cases: [string, string][] = [
      ['2026-03-29T00:59:00Z', '2026-03-29 01:59'],
      ['2026-03-29T01:00:00Z', '2026-03-29 03:00'],
      ['2026-10-25T00:59:59Z', '2026-10-25 02:59'],
      ['2026-10-25T01:00:00Z', '2026-10-25 02:00'],
      ['2026-12-31T23:30:00Z', '2027-01-01 00:30'],
    ];
    for (const [instant, local] of cases) {
      const w = wallClock(new Date(instant), 'Europe/Stockholm');
      const pad = (n: number) => String(n).padStart(2, '0');
      expect(`${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`).toBe(local);
    }
  });
});
