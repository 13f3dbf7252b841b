import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CalendarFeedRepository, type ResolvedFeed } from './calendar-feed.repository';
import { renderFeed } from './feed-renderer';
import { hashFeedToken, isFeedTokenShaped } from './feed-token';
import { FEED_TIME_ZONE, localDate } from './zoned-date';

/** The window of a feed: activities that start from 30 days ago to a year ahead (whole local days). */
export const FEED_PAST_DAYS = 30;
export const FEED_FUTURE_DAYS = 366;
/** How many rendered feeds one process keeps (least recently used first out). */
const CACHE_ENTRIES = 2_000;

export type FeedAnswer = { readonly status: 404 } | { readonly status: 304; readonly etag: string } | { readonly status: 200; readonly etag: string; readonly body: string };

interface CachedFeed {
  readonly etag: string;
  readonly body: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** From 30 days before today (Stockholm date, at 00:00 UTC) to a year after it. */
function windowOf(today: string): { from: Date; to: Date } {
  const midnight = Date.parse(`${today}T00:00:00Z`);
  return { from: new Date(midnight - FEED_PAST_DAYS * DAY_MS), to: new Date(midnight + FEED_FUTURE_DAYS * DAY_MS) };
}

/**
 * Answers `GET /calendar/<token>.ics`: one indexed lookup of the token's hash that also reads the
 * stamps of the feed's scope; the ETag is derived from those stamps and the local date (the window
 * moves daily), so `If-None-Match` is answered 304 without rendering, and a rendered feed is reused
 * until the projection raises a stamp it depends on. An unknown, revoked or malformed token is 404.
 */
@Injectable()
export class CalendarFeedService {
  private readonly cache = new Map<string, CachedFeed>();

  constructor(private readonly feeds: CalendarFeedRepository) {}

  async answer(token: string, ifNoneMatch: string | undefined, now = new Date()): Promise<FeedAnswer> {
    if (!isFeedTokenShaped(token)) return { status: 404 };
    const feed = await this.feeds.resolve(hashFeedToken(token));
    if (!feed) return { status: 404 };
    const today = localDate(now, FEED_TIME_ZONE);
    const etag = etagOf(feed, today);
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) return { status: 304, etag };
    const key = `${feed.kind}:${feed.targetId}`;
    const cached = this.cache.get(key);
    if (cached?.etag === etag) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return { status: 200, etag, body: cached.body };
    }
    const body = await this.render(feed, today);
    this.cache.delete(key);
    this.cache.set(key, { etag, body });
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return { status: 200, etag, body };
  }

  private async render(feed: ResolvedFeed, today: string): Promise<string> {
    const { from, to } = windowOf(today);
    const [target, activities] = await Promise.all([this.feeds.target(feed.kind, feed.targetId), this.feeds.activities(feed.kind, feed.targetId, from, to)]);
    return renderFeed(target?.name ?? 'Stafett', activities);
  }
}

function etagOf(feed: ResolvedFeed, today: string): string {
  const digest = createHash('sha256').update(`${feed.kind}:${feed.targetId}:${feed.stamp}:${today}`).digest('base64url').slice(0, 22);
  return `"${digest}"`;
}

/** `If-None-Match`: a list of tags or `*` (RFC 9110 §13.1.2, weak comparison). */
function matches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
