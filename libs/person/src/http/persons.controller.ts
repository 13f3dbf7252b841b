import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import type { PersonImportPayload } from '@stafett/contracts';
import { Actor, ApiProblemResponses, ApiResource, KeyScope } from '@stafett/api';
import { CORRELATION_ID_HEADER } from '@stafett/observability';
import { CreatePersonDto } from './dtos/create-person.dto';
import { ListPersonsQueryDto } from './dtos/list-persons-query.dto';
import { PersonDto, PersonPageDto } from './dtos/person.dto';
import { UpdatePersonDto } from './dtos/update-person.dto';
import { etagOf, expectedVersion } from './if-match';
import { noSuchPerson, PersonScopeService } from './person-scope.service';
import { PersonWriteService, type RestCaller } from './person-write.service';
import { PersonQueryService } from './queries/person-query.service';
import { toPersonView } from './person-view';
import { toPersonPayload } from './to-person-payload';

/** An id that is not a uuid names no person: 404, like any unknown id. */
const PersonId = new ParseUUIDPipe({ exceptionFactory: noSuchPerson });

const ETAG_HEADER = { ETag: { description: 'The version of the person, "<version>": send it back as If-Match', schema: { type: 'string', example: '"1"' } } };

type Headed = Pick<ServerResponse, 'setHeader'>;

/** The answer to `protectedIdentity: true`: 204, the same whether or not the person was in the register. */
const NOTHING_KEPT = () => new Response(null, { status: 204 });

function caller(actor: string, correlationId: string | undefined, scope: string | null): RestCaller {
  const usable = correlationId !== undefined && correlationId.length > 0 && correlationId.length <= 128;
  return { actor, correlationId: usable ? correlationId : undefined, scope };
}

/**
 * `/v1/persons`: reads from the person tables; every write goes through the import rules
 * (`PersonWriteService`). A key bound to an organisation subtree (`@KeyScope()`) sees and changes
 * only persons with a membership in it (`PersonScopeService`): any other is answered as an unknown id.
 */
@ApiResource('persons')
@Controller('v1/persons')
export class PersonsController {
  constructor(
    private readonly writes: PersonWriteService,
    private readonly queries: PersonQueryService,
    private readonly scopes: PersonScopeService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a person', description: 'Runs the regelverk of imports; a personnummer that is already in the register is a 409.' })
  @ApiCreatedResponse({ type: PersonDto, headers: { ...ETAG_HEADER, Location: { description: 'The new person', schema: { type: 'string' } } } })
  @ApiNoContentResponse({ description: 'protectedIdentity: true — nothing of the person is kept (an existing holder of the number is erased)' })
  @ApiProblemResponses({
    400: 'The body is not a JSON object',
    404: "Organisation-scoped key: a membership organisation outside the key's subtree (named in errors), or no membership in it",
    409: 'The personal identity number cannot be registered (it belongs to a person already)',
    422: 'Invalid or unknown fields (each named in errors)',
  })
  async create(
    @Body() body: CreatePersonDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<PersonDto | Response> {
    const payload = toPersonPayload(body, false);
    if (body.protectedIdentity === true) {
      await this.protect(scope, payload, caller(actor, correlationId, scope));
      return NOTHING_KEPT();
    }
    await this.scopes.checkWrite(scope, undefined, payload);
    const person = await this.writes.create(payload, caller(actor, correlationId, scope));
    res.setHeader('ETag', etagOf(person.version));
    res.setHeader('Location', `/v1/persons/${person.id}`);
    return person;
  }

  @Get()
  @ApiOperation({
    summary: 'List persons',
    description: 'Filters combine with AND; pages follow nextCursor (ordered by id). An organisation-scoped key lists only persons with a membership in its subtree.',
  })
  @ApiOkResponse({ type: PersonPageDto })
  @ApiProblemResponses({ 422: 'Invalid filter, limit or cursor' })
  async list(@Query() query: ListPersonsQueryDto, @KeyScope() scope: string | null): Promise<PersonPageDto> {
    const within = await this.scopes.organisations(scope);
    return this.queries.list(
      { ...(within ? { withinOrganisations: within } : {}), organisationId: query.organisationId, name: query.name, personalIdentityNumber: query.personalIdentityNumber },
      query.limit,
      query.cursor,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a person' })
  @ApiOkResponse({ type: PersonDto, headers: ETAG_HEADER })
  @ApiProblemResponses({ 404: "No person with this id (or, to an organisation-scoped key, none in the key's subtree)" })
  async get(@Param('id', PersonId) id: string, @KeyScope() scope: string | null, @Res({ passthrough: true }) res: Headed): Promise<PersonDto> {
    const found = await this.scopes.find(scope, id);
    if (!found) throw noSuchPerson();
    res.setHeader('ETag', etagOf(found.version));
    return toPersonView(found.state, found.version);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a person', description: 'Fields left out keep their value; null clears a clearable field.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version you read, e.g. "3"' })
  @ApiOkResponse({ type: PersonDto, headers: ETAG_HEADER })
  @ApiNoContentResponse({ description: 'protectedIdentity: true — the person is erased, the number remembered only as a keyed hash' })
  @ApiProblemResponses({
    404: "No person with this id (or none in an organisation-scoped key's subtree); to such a key also: a membership organisation outside its subtree",
    409: 'The personal identity number cannot be registered (it belongs to another person)',
    412: 'The person changed since that version',
    422: 'Invalid fields (each named in errors)',
    428: 'If-Match is missing',
  })
  async update(
    @Param('id', PersonId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdatePersonDto,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
    @Res({ passthrough: true }) res: Headed,
  ): Promise<PersonDto | Response> {
    const payload = toPersonPayload(body, true);
    if (body.protectedIdentity === true) {
      await this.protect(scope, payload, caller(actor, correlationId, scope), id);
      return NOTHING_KEPT();
    }
    const version = await this.scopes.checkChange(scope, id, expectedVersion(ifMatch, true), payload);
    const person = await this.writes.update(id, version, payload, caller(actor, correlationId, scope));
    res.setHeader('ETag', etagOf(person.version));
    return person;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a person', description: 'A DELETE event (with the person as before) and a tombstone on the state topic.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Delete only this version' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses({ 404: "No person with this id (or none in an organisation-scoped key's subtree)", 412: 'The person changed since that version' })
  async remove(
    @Param('id', PersonId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
  ): Promise<void> {
    await this.writes.delete(id, await this.scopes.pinnedVersion(scope, id, expectedVersion(ifMatch, false)), caller(actor, correlationId, scope));
  }

  @Post(':id/erase')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a person (GDPR)', description: 'Deleted like DELETE, but the DELETE event carries no personal field (before: null).' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblemResponses({ 404: "No person with this id (or none in an organisation-scoped key's subtree)" })
  async erase(
    @Param('id', PersonId) id: string,
    @Actor() actor: string,
    @KeyScope() scope: string | null,
    @Headers(CORRELATION_ID_HEADER) correlationId: string | undefined,
  ): Promise<void> {
    await this.writes.erase(id, caller(actor, correlationId, scope), await this.scopes.pinnedVersion(scope, id, undefined));
  }

  /** `protectedIdentity: true`; through a scoped key only for a person in its subtree (`PersonScopeService.protectionSubject`), with the same 204 either way. */
  private async protect(scope: string | null, payload: PersonImportPayload, who: RestCaller, id?: string): Promise<void> {
    if (scope === null) return this.writes.protect(payload, who, id);
    const subject = await this.scopes.protectionSubject(scope, payload, id);
    if (subject === 'outside') return;
    await this.writes.protect(payload, who, subject?.state.id, subject?.version);
  }
}
