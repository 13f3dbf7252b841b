import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { ICalCalendar, ICalEventStatus } from 'ical-generator';
import { FEED_TIME_ZONE, ZonedDate } from './zoned-date';

/** One activity as a feed shows it: no participants, no personal data. */
export interface FeedActivity {
  readonly id: string;
  readonly version: number;
  readonly type: string;
  readonly title: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly location: string | null;
  readonly status: string;
  readonly groupName: string | null;
  readonly organisationName: string | null;
  /** When the projection last changed it: the event's DTSTAMP, so an unchanged feed renders byte for byte the same. */
  readonly updatedAt: Date;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  TRAINING: 'Träning',
  MATCH: 'Match',
  COMPETITION: 'Tävling',
  CAMP: 'Läger',
  MEETING: 'Möte',
  OTHER: 'Aktivitet',
};

/** The iCalendar UID of an activity: the same in every feed and every version of it. */
export const activityUid = (activityId: string): string => `${activityId}@stafett`;

/**
 * Renders a feed (RFC 5545): a VTIMEZONE for Europe/Stockholm, each activity a VEVENT in local
 * time with TZID, UID `<activityId>@stafett`, SEQUENCE the entity version, and a cancelled
 * activity kept with STATUS:CANCELLED. Only titles, places, types and group/organisation names:
 * never a participant.
 */
export function renderFeed(name: string, activities: readonly FeedActivity[], refreshMinutes = 60): string {
  const calendar = new ICalCalendar({ name, prodId: { company: 'stafett', product: 'calendar', language: 'SV' }, ttl: refreshMinutes * 60 });
  // No calendar-wide zone (DTSTAMP stays UTC, as RFC 5545 wants); the generator adds the events' VTIMEZONE.
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  calendar.x('X-WR-TIMEZONE', FEED_TIME_ZONE);
  for (const a of activities) {
    const context = [TYPE_NAMES[a.type] ?? TYPE_NAMES['OTHER'], a.groupName, a.organisationName].filter((p): p is string => typeof p === 'string' && p.length > 0);
    calendar.createEvent({
      id: activityUid(a.id),
      sequence: a.version,
      stamp: a.updatedAt,
      start: new ZonedDate(a.startsAt),
      end: new ZonedDate(a.endsAt),
      timezone: FEED_TIME_ZONE,
      summary: a.title,
      location: a.location ?? undefined,
      description: context.join(' · '),
      status: a.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
