import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Actor, ApiProblemResponses, ApiResource, KeyScope, Problems } from '@stafett/api';
import { InjectOrganisationTree, type OrganisationTree } from '@stafett/entity-pipeline';
import { CORRELATION_ID_HEADER } from '@stafett/observability';
import { CreateGroupDto } from './dtos/create-group.dto';
import { GroupDto, GroupPageDto, MemberPageDto } from './dtos/group.dto';
import { ListGroupsQueryDto, ListMembersQueryDto } from './dtos/list-groups-query.dto';
import { UpdateGroupDto } from './dtos/update-group.dto';
import { GroupWriteService, type RestCaller } from './group-write.service';
import { etagOf, expectedVersion } from './if-match';
import { GroupQueryService } from './queries/group-query.service';
import { toGroupPayload } from './to-group-payload';

const NO_GROUP = 'No group with this id.';
const NO_ORGANISATION = 'No organisation with this id.';

/** An id that is not a uuid names no group: 404, like any unknown id. */
const GroupId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound(NO_GROUP) });

const ETAG_HEADER = { ETag: { description: 'The version of the group, "<version>": send it back as If-Match', schema: { type: 'string', example: '"1"' } } };

type Headed = Pick<ServerResponse, 'setHeader'>;

function caller(actor: string, scope: string | null, correlationId: string | undefined): RestCaller {
  const usable = correlationId !== undefined && correlationId.length > 0 && correlationId.length <= 128;
  return { actor, scope, correlationId: usable ? correlationId : undefined };
}

/**
 * `/v1/groups`: reads from the group tables; every write goes through the import rules
 * (`GroupWriteService`). A key bound to an organisation subtree sees only the groups of that
 * subtree: any other group answers 404 like an unknown id, and a group cannot be placed outside it.
 */
@ApiResource('groups')
@Controller('v1/groups')
export class GroupsController {
  constructor(
    private readonly writes: GroupWriteService,
    private readonly queries: GroupQueryService,
    @InjectOrganisationTree('group') private readonly tree: OrganisationTree,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a group', description: 'Runs the regelverk of imports: the organisation and every member must be known (by id).' })
  @ApiCreatedResponse({ type: GroupDto, headers: { ...ETAG_HEADER, Location: { description: 'The new group', schema: { type: 'string' } } } })
  @ApiProblemResponses({ 400: 'The body is not a JSON object', 404: 'No such organisation (for this key)', 422: 'Invalid or unknown fields (each named in errors)' })
  async create(
    @Body() body: CreateGroupDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<GroupDto> {
    await this.assertOrganisationInScope(scope, body.organisationId);
    const group = await this.writes.create(toGroupPayload(body, false), caller(actor, scope, correlationId));
    res.setHeader('ETag', etagOf(group.version));
    res.setHeader('Location', `/v1/groups/${group.id}`);
    return group;
  }

  @Get()
  @ApiOperation({ summary: 'List groups', description: 'Filters combine with AND; pages follow nextCursor (ordered by id).' })
  @ApiOkResponse({ type: GroupPageDto })
  @ApiProblemResponses({ 422: 'Invalid filter, limit or cursor' })
  async list(@Query() query: ListGroupsQueryDto, @KeyScope() scope: string | null): Promise<GroupPageDto> {
    const organisationIds = scope === null ? undefined : await this.tree.subtree(scope);
    return this.queries.list(
      { organisationId: query.organisationId, name: query.name, type: query.type, personId: query.personId, ...(organisationIds ? { organisationIds } : {}) },
      query.limit,
      query.cursor,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a group' })
  @ApiOkResponse({ type: GroupDto, headers: ETAG_HEADER })
  @ApiProblemResponses({ 404: 'No group with this id' })
  async get(@Param('id', GroupId) id: string, @KeyScope() scope: string | null, @Res({ passthrough: true }) res: Headed): Promise<GroupDto> {
    const group = await this.visible(id, scope);
    res.setHeader('ETag', etagOf(group.version));
    return group;
  }

  @Get(':id/members')
  @ApiOperation({ summary: "List a group's members", description: "In the group's order; `on` keeps those whose period includes that day. Pages follow nextCursor." })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiProblemResponses({ 404: 'No group with this id', 422: 'Invalid date, limit or cursor' })
  async members(@Param('id', GroupId) id: string, @Query() query: ListMembersQueryDto, @KeyScope() scope: string | null): Promise<MemberPageDto> {
    const organisationId = await this.queries.organisationOf(id);
    if (organisationId === undefined || (scope !== null && !(await this.tree.containsAny(scope, [organisationId])))) throw Problems.notFound(NO_GROUP);
    return this.queries.members(id, query.on, query.limit, query.cursor);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a group', description: 'Fields left out keep their value; null clears a clearable field (sport, members). `members` replaces the whole list.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version you read, e.g. "3"' })
  @ApiOkResponse({ type: GroupDto, headers: ETAG_HEADER })
  @ApiProblemResponses({
    404: 'No group with this id, or no such organisation',
    412: 'The group changed since that version',
    422: 'Invalid fields (each named in errors)',
    428: 'If-Match is missing',
  })
  async update(
    @Param('id', GroupId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateGroupDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<GroupDto> {
    const version = expectedVersion(ifMatch, true);
    if (scope !== null) {
      await this.visible(id, scope);
      if (body.organisationId != null) await this.assertOrganisationInScope(scope, body.organisationId);
    }
    const group = await this.writes.update(id, version, toGroupPayload(body, true), caller(actor, scope, correlationId));
    res.setHeader('ETag', etagOf(group.version));
    return group;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a group', description: 'A DELETE event (with the group as before) and a tombstone on the state topic.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Delete only this version' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses({ 404: 'No group with this id', 412: 'The group changed since that version' })
  async remove(
    @Param('id', GroupId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
  ): Promise<void> {
    const version = expectedVersion(ifMatch, false);
    if (scope !== null) await this.visible(id, scope);
    await this.writes.delete(id, version, caller(actor, scope, correlationId));
  }

  /** The group, if it exists and the key may see it; else the 404 of an unknown id. */
  private async visible(id: string, scope: string | null): Promise<GroupDto> {
    const group = await this.queries.get(id);
    if (!group || (scope !== null && !(await this.tree.containsAny(scope, [group.organisationId])))) throw Problems.notFound(NO_GROUP);
    return group;
  }

  private async assertOrganisationInScope(scope: string | null, organisationId: string): Promise<void> {
    if (scope !== null && !(await this.tree.containsAny(scope, [organisationId.toLowerCase()]))) throw Problems.notFound(NO_ORGANISATION);
  }
}
