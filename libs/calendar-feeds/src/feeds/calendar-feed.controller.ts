import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { PublicRoute } from '@stafett/api';
import { CalendarFeedService } from './calendar-feed.service';

/** Calendar apps poll; an hour is what they use at best, and a 304 costs nearly nothing. */
const CACHE_CONTROL = 'private, max-age=900';
const NOT_FOUND = 'Not found\n';

/**
 * `GET /calendar/<token>.ics`: the feed itself. Calendar apps cannot send an API key, so the token
 * in the path is the credential; an unknown, revoked or malformed one is the same plain 404.
 */
@ApiExcludeController()
@PublicRoute()
@Controller('calendar')
export class CalendarFeedController {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Get(':file')
  async feed(@Param('file') file: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: ServerResponse): Promise<void> {
    const token = file.endsWith('.ics') ? file.slice(0, -'.ics'.length) : '';
    const answer = await this.feeds.answer(token, ifNoneMatch);
    // The token is a secret in the URL: no referrer leaves with it, and shared caches keep nothing.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (answer.status === 404) {
      res.statusCode = 404;
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(NOT_FOUND);
      return;
    }
    res.setHeader('ETag', answer.etag);
    res.setHeader('Cache-Control', CACHE_CONTROL);
    if (answer.status === 304) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', 'inline; filename="stafett.ics"');
    res.end(answer.body);
  }
}
