/** Calendar feeds show local time in Sweden. */
export const FEED_TIME_ZONE = 'Europe/Stockholm';

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

const QUARTER_HOUR_MS = 15 * 60_000;
/** UTC offsets (minutes) per zone and quarter hour: zones change offset only on quarter hours, so a quarter hour has one offset. */
const offsets = new Map<string, number>();

function offsetMinutes(instant: Date, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instant.getTime() / QUARTER_HOUR_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const p of formatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wallAsUtc = Date.UTC(parts['year'], parts['month'] - 1, parts['day'], parts['hour'], parts['minute']);
    offset = Math.round((wallAsUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The wall-clock time of an instant in a time zone (from the platform's tz database, through Intl; the offset cached per quarter hour). */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const wall = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDate(instant: Date, timeZone = FEED_TIME_ZONE): string {
  const w = wallClock(instant, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * An instant that reads as the wall-clock time of a time zone: the shape of `TZDate` (@date-fns/tz),
 * one of the date types `ical-generator` documents, which then writes `DTSTART;TZID=<zone>:<local
 * time>` whatever the time zone of the process. (A plain `Date` with a TZID would be written in the
 * process's own zone.) The instant itself (`getTime`, comparisons) is unchanged.
 */
export class ZonedDate extends Date {
  readonly internal: Date;
  private readonly wall: WallClock;

  constructor(
    instant: Date | number,
    readonly timeZone: string = FEED_TIME_ZONE,
  ) {
    super(typeof instant === 'number' ? instant : instant.getTime());
    this.internal = new Date(this.getTime());
    this.wall = wallClock(this.internal, timeZone);
  }

  withTimeZone(timeZone: string): ZonedDate {
    return new ZonedDate(this.getTime(), timeZone);
  }

  tzComponents(): WallClock {
    return this.wall;
  }

  override getFullYear(): number {
    return this.wall.year;
  }

  override getMonth(): number {
    return this.wall.month - 1;
  }

  override getDate(): number {
    return this.wall.day;
  }

  override getHours(): number {
    return this.wall.hour;
  }

  override getMinutes(): number {
    return this.wall.minute;
  }

  override getSeconds(): number {
    return this.wall.second;
  }
}
