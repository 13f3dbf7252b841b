import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Actor, ApiProblemResponses, ApiResource, KeyScope, Problems } from '@stafett/api';
import { CalendarFeedRepository, type FeedRow } from './calendar-feed.repository';
import { CalendarFeedDto, CalendarFeedListDto, CreateCalendarFeedDto, CreatedCalendarFeedDto } from './dtos/calendar-feed.dto';
import { generateFeedToken, hashFeedToken } from './feed-token';

const NO_FEED = 'No calendar feed with this id.';
const FeedId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound(NO_FEED) });
const LIST_LIMIT = 1_000;

const toDto = (f: FeedRow): CalendarFeedDto => ({ feedId: f.id, kind: f.kind, id: f.targetId, createdBy: f.createdBy, createdAt: f.createdAt.toISOString() });

/** Where the feed is served, as the caller reached this server. */
function baseUrl(req: IncomingMessage & { protocol?: string }): string {
  const host = req.headers.host;
  const usable = typeof host === 'string' && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host);
  return `${req.protocol ?? 'http'}://${usable ? host : 'localhost'}`;
}

/**
 * `/v1/calendar-feeds`: subscription feeds behind unguessable, revocable tokens. Creating and
 * revoking need the import role, listing read. A key bound to an organisation subtree creates
 * feeds only for its groups, organisations and persons (members of it), sees and revokes only the
 * feeds of its subtree; anything else answers 404 like an unknown id.
 */
@ApiResource('calendar-feeds')
@Controller('v1/calendar-feeds')
export class CalendarFeedsController {
  constructor(private readonly feeds: CalendarFeedRepository) {}

  @Post()
  @ApiOperation({ summary: 'Create a calendar feed', description: 'The answer holds the feed URL with its token, and only it: store it at once.' })
  @ApiCreatedResponse({ type: CreatedCalendarFeedDto })
  @ApiProblemResponses({ 404: 'No such group, organisation or person (for this key)', 422: 'Invalid kind or id' })
  async create(
    @Body() body: CreateCalendarFeedDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: Pick<ServerResponse, 'setHeader'>,
  ): Promise<CreatedCalendarFeedDto> {
    const target = await this.feeds.target(body.kind, body.id);
    if (!target) throw Problems.notFound(`No ${body.kind} with this id.`);
    let owner: string | null = target.organisationIds[0] ?? null;
    if (scope !== null) {
      const subtree = new Set(await this.feeds.subtree(scope));
      const inScope = target.organisationIds.find((o) => subtree.has(o));
      if (inScope === undefined) throw Problems.notFound(`No ${body.kind} with this id.`);
      owner = inScope;
    }
    const token = generateFeedToken();
    const feed: FeedRow = { id: randomUUID(), kind: body.kind, targetId: body.id, ownerOrganisationId: owner, createdBy: actor, createdAt: new Date() };
    await this.feeds.create({ ...feed, tokenHash: hashFeedToken(token) });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Location', `/v1/calendar-feeds/${feed.id}`);
    return { ...toDto(feed), url: `${baseUrl(req)}/calendar/${token}.ics` };
  }

  @Get()
  @ApiOperation({ summary: 'List calendar feeds', description: 'Live feeds, newest first (at most 1000), without their tokens.' })
  @ApiOkResponse({ type: CalendarFeedListDto })
  async list(@KeyScope() scope: string | null): Promise<CalendarFeedListDto> {
    const owners = scope === null ? undefined : await this.feeds.subtree(scope);
    return { items: (await this.feeds.list(owners, LIST_LIMIT)).map(toDto) };
  }

  @Delete(':feedId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a calendar feed', description: 'Its URL answers 404 from now on.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblemResponses({ 404: 'No live feed with this id (for this key)' })
  async revoke(@Param('feedId', FeedId) feedId: string, @KeyScope() scope: string | null): Promise<void> {
    const feed = await this.feeds.get(feedId);
    if (!feed) throw Problems.notFound(NO_FEED);
    if (scope !== null && (feed.ownerOrganisationId === null || !(await this.feeds.ancestors([feed.ownerOrganisationId])).includes(scope))) {
      throw Problems.notFound(NO_FEED);
    }
    if (!(await this.feeds.revoke(feedId))) throw Problems.notFound(NO_FEED);
  }
}
