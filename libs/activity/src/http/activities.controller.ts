import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Actor, ApiProblemResponses, ApiResource, KeyScope, Problems } from '@stafett/api';
import { CORRELATION_ID_HEADER } from '@stafett/observability';
import { ActivityDto, ActivityPageDto } from './dtos/activity.dto';
import { CreateActivityDto } from './dtos/create-activity.dto';
import { ListActivitiesQueryDto } from './dtos/list-activities-query.dto';
import { UpdateActivityDto } from './dtos/update-activity.dto';
import { ActivityWriteService, type RestCaller } from './activity-write.service';
import { etagOf, expectedVersion } from './if-match';
import { ActivityQueryService } from './queries/activity-query.service';
import { toActivityPayload } from './to-activity-payload';

/** An id that is not a uuid names no activity: 404, like any unknown id. */
const ActivityId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('No activity with this id.') });

const ETAG_HEADER = { ETag: { description: 'The version of the activity, "<version>": send it back as If-Match', schema: { type: 'string', example: '"1"' } } };

type Headed = Pick<ServerResponse, 'setHeader'>;

function caller(actor: string, correlationId: string | undefined, scope: string | null): RestCaller {
  const usable = correlationId !== undefined && correlationId.length > 0 && correlationId.length <= 128;
  return { actor, correlationId: usable ? correlationId : undefined, scope };
}

/**
 * `/v1/activities`: reads from the activity tables; every write goes through the import rules
 * (`ActivityWriteService`). A key bound to an organisation sees and changes only its subtree.
 */
@ApiResource('activities')
@Controller('v1/activities')
export class ActivitiesController {
  constructor(
    private readonly writes: ActivityWriteService,
    private readonly queries: ActivityQueryService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an activity', description: 'Runs the regelverk of imports: organisation, group and participants must be known to the activity service.' })
  @ApiCreatedResponse({ type: ActivityDto, headers: { ...ETAG_HEADER, Location: { description: 'The new activity', schema: { type: 'string' } } } })
  @ApiProblemResponses({ 400: 'The body is not a JSON object', 404: "The organisation is outside the key's subtree", 422: 'Invalid or unknown fields (each named in errors)' })
  async create(
    @Body() body: CreateActivityDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<ActivityDto> {
    const activity = await this.writes.create(toActivityPayload(body, false), caller(actor, correlationId, scope));
    res.setHeader('ETag', etagOf(activity.version));
    res.setHeader('Location', `/v1/activities/${activity.id}`);
    return activity;
  }

  @Get()
  @ApiOperation({
    summary: 'List activities',
    description: 'Filters combine with AND; `from`/`to` bound startsAt (from inclusive, to exclusive); pages follow nextCursor (ordered by startsAt, then id).',
  })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiProblemResponses({ 422: 'Invalid filter, limit or cursor' })
  list(@Query() query: ListActivitiesQueryDto, @KeyScope() scope: string | null): Promise<ActivityPageDto> {
    if (query.from !== undefined && query.to !== undefined && Date.parse(query.to) <= Date.parse(query.from)) {
      throw Problems.validation([{ field: 'to', code: 'INVALID_TIME_RANGE', message: 'to must be after from.' }]);
    }
    const { organisationId, groupId, from, to, type, status } = query;
    return this.queries.list({ organisationId, groupId, from, to, type, status }, scope, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an activity' })
  @ApiOkResponse({ type: ActivityDto, headers: ETAG_HEADER })
  @ApiProblemResponses({ 404: 'No activity with this id' })
  async get(@Param('id', ActivityId) id: string, @KeyScope() scope: string | null, @Res({ passthrough: true }) res: Headed): Promise<ActivityDto> {
    const activity = await this.queries.get(id, scope);
    if (!activity) throw Problems.notFound('No activity with this id.');
    res.setHeader('ETag', etagOf(activity.version));
    return activity;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an activity', description: 'Fields left out keep their value; null clears a clearable field (groupId, sport, location, participants).' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version you read, e.g. "3"' })
  @ApiOkResponse({ type: ActivityDto, headers: ETAG_HEADER })
  @ApiProblemResponses({
    404: 'No activity with this id',
    412: 'The activity changed since that version',
    422: 'Invalid fields (each named in errors)',
    428: 'If-Match is missing',
  })
  async update(
    @Param('id', ActivityId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateActivityDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<ActivityDto> {
    const version = expectedVersion(ifMatch, true);
    const activity = await this.writes.update(id, version, toActivityPayload(body, true), caller(actor, correlationId, scope));
    res.setHeader('ETag', etagOf(activity.version));
    return activity;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an activity', description: 'A DELETE event (with the activity as before) and a tombstone on the state topic.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Delete only this version' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses({ 404: 'No activity with this id', 412: 'The activity changed since that version' })
  async remove(
    @Param('id', ActivityId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
  ): Promise<void> {
    await this.writes.delete(id, expectedVersion(ifMatch, false), caller(actor, correlationId, scope));
  }
}
