import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Actor, ApiProblemResponses, ApiResource, KeyScope, Problems } from '@stafett/api';
import { InjectOrganisationTree, type OrganisationTree } from '@stafett/entity-pipeline';
import { CORRELATION_ID_HEADER } from '@stafett/observability';
import { organisationsOf } from '../domain/organisation.model';
import { CreateOrganisationDto } from './dtos/create-organisation.dto';
import { ListOrganisationsQueryDto, PageQueryDto } from './dtos/list-organisations-query.dto';
import { OrganisationDto, OrganisationPageDto } from './dtos/organisation.dto';
import { UpdateOrganisationDto } from './dtos/update-organisation.dto';
import { etagOf, expectedVersion } from './if-match';
import { OrganisationWriteService, type RestCaller } from './organisation-write.service';
import { OrganisationQueryService } from './queries/organisation-query.service';
import { toOrganisationPayload } from './to-organisation-payload';

/** An id that is not a uuid names no organisation: 404, like any unknown id. */
const OrganisationId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('No organisation with this id.') });

const ETAG_HEADER = { ETag: { description: 'The version of the organisation, "<version>": send it back as If-Match', schema: { type: 'string', example: '"1"' } } };

type Headed = Pick<ServerResponse, 'setHeader'>;

function caller(actor: string, correlationId: string | undefined, scope: string | null): RestCaller {
  const usable = correlationId !== undefined && correlationId.length > 0 && correlationId.length <= 128;
  return { actor, correlationId: usable ? correlationId : undefined, scope };
}

const notFound = () => Problems.notFound('No organisation with this id.');
const parentNotFound = () => Problems.notFound('No organisation with this parentId (a key bound to an organisation places organisations only below it, inside its subtree).');

/**
 * `/v1/organisations`: reads from the organisation tables; every write goes through the import rules
 * (`OrganisationWriteService`). A key bound to an organisation sees its subtree only: anything else
 * is 404, exactly like an unknown id.
 */
@ApiResource('organisations')
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(
    private readonly writes: OrganisationWriteService,
    private readonly queries: OrganisationQueryService,
    @InjectOrganisationTree('organisation') private readonly tree: OrganisationTree,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create an organisation',
    description: 'Runs the regelverk of imports (hierarchy included); an organisationsnummer that is already in the register is a 409.',
  })
  @ApiCreatedResponse({ type: OrganisationDto, headers: { ...ETAG_HEADER, Location: { description: 'The new organisation', schema: { type: 'string' } } } })
  @ApiProblemResponses({
    400: 'The body is not a JSON object',
    404: 'A key bound to an organisation names a parentId outside its subtree (or none)',
    409: 'The organisation number belongs to an organisation already',
    422: 'Invalid fields, a parent of the wrong type (INVALID_PARENT) or an unknown one (UNKNOWN_REFERENCE), each named in errors',
  })
  async create(
    @Body() body: CreateOrganisationDto,
    @KeyScope() scope: string | null,
    @Actor() actor: string,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<OrganisationDto> {
    if (scope !== null && (!body.parentId || !(await this.tree.containsAny(scope, [body.parentId.toLowerCase()])))) throw parentNotFound();
    const organisation = await this.writes.create(toOrganisationPayload(body, false), caller(actor, correlationId, scope));
    res.setHeader('ETag', etagOf(organisation.version));
    res.setHeader('Location', `/v1/organisations/${organisation.id}`);
    return organisation;
  }

  @Get()
  @ApiOperation({ summary: 'List organisations', description: 'Filters combine with AND; pages follow nextCursor (ordered by id).' })
  @ApiOkResponse({ type: OrganisationPageDto })
  @ApiProblemResponses({ 422: 'Invalid filter, limit or cursor' })
  async list(@Query() query: ListOrganisationsQueryDto, @KeyScope() scope: string | null): Promise<OrganisationPageDto> {
    const within = scope === null ? undefined : await this.tree.subtree(scope);
    return this.queries.list({ type: query.type, name: query.name, municipalityCode: query.municipalityCode, parentId: query.parentId, within }, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an organisation' })
  @ApiOkResponse({ type: OrganisationDto, headers: ETAG_HEADER })
  @ApiProblemResponses({ 404: 'No organisation with this id' })
  async get(@Param('id', OrganisationId) id: string, @KeyScope() scope: string | null, @Res({ passthrough: true }) res: Headed): Promise<OrganisationDto> {
    const organisation = await this.visible(id, scope);
    res.setHeader('ETag', etagOf(organisation.version));
    return organisation;
  }

  @Get(':id/subtree')
  @ApiOperation({
    summary: 'An organisation and everything below it',
    description: 'Children by parent and member clubs by federation, at every depth, the organisation itself included; pages follow nextCursor (ordered by id).',
  })
  @ApiOkResponse({ type: OrganisationPageDto })
  @ApiProblemResponses({ 404: 'No organisation with this id', 422: 'Invalid limit or cursor' })
  async subtree(@Param('id', OrganisationId) id: string, @Query() query: PageQueryDto, @KeyScope() scope: string | null): Promise<OrganisationPageDto> {
    await this.visible(id, scope);
    const within = scope === null ? undefined : await this.tree.subtree(scope);
    return this.queries.subtree(id, { within }, query.limit, query.cursor);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an organisation', description: 'Fields left out keep their value; null clears a clearable field.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version you read, e.g. "3"' })
  @ApiOkResponse({ type: OrganisationDto, headers: ETAG_HEADER })
  @ApiProblemResponses({
    404: 'No organisation with this id (or, for a key bound to an organisation, a parentId outside its subtree)',
    409: 'The organisation number belongs to another organisation',
    412: 'The organisation changed since that version',
    422: 'Invalid fields, a parent of the wrong type (INVALID_PARENT), a cycle (HIERARCHY_CYCLE), each named in errors',
    428: 'If-Match is missing',
  })
  async update(
    @Param('id', OrganisationId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateOrganisationDto,
    @KeyScope() scope: string | null,
    @Actor() actor: string,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<OrganisationDto> {
    const version = expectedVersion(ifMatch, true);
    if (scope !== null) {
      await this.visible(id, scope);
      // Moved, it must stay inside the key's subtree (only the key's own root may stand alone).
      if (body.parentId === null && id !== scope) throw parentNotFound();
      if (body.parentId && !(await this.tree.containsAny(scope, [body.parentId.toLowerCase()]))) throw parentNotFound();
    }
    const organisation = await this.writes.update(id, version, toOrganisationPayload(body, true), caller(actor, correlationId, scope));
    res.setHeader('ETag', etagOf(organisation.version));
    return organisation;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an organisation',
    description: 'A DELETE event (with the organisation as before) and a tombstone on the state topic. Refused (409, HAS_CHILDREN) while organisations are below it.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Delete only this version' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses({ 404: 'No organisation with this id', 409: 'Organisations are still below it (HAS_CHILDREN)', 412: 'The organisation changed since that version' })
  async remove(
    @Param('id', OrganisationId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @KeyScope() scope: string | null,
    @Actor() actor: string,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
  ): Promise<void> {
    const version = expectedVersion(ifMatch, false);
    if (scope !== null) await this.visible(id, scope);
    await this.writes.delete(id, version, caller(actor, correlationId, scope));
  }

  /** The organisation, if the key may see it: one of its organisations (itself, its parent, its federations) in the key's subtree. */
  private async visible(id: string, scope: string | null): Promise<OrganisationDto> {
    const organisation = await this.queries.get(id);
    if (!organisation) throw notFound();
    if (scope !== null && !(await this.tree.containsAny(scope, organisationsOf(organisation)))) throw notFound();
    return organisation;
  }
}
