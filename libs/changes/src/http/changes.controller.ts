import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblemResponses, ApiResource, KeyScope, RequireRole } from '@stafett/api';
import { ChangePageDto } from './dtos/change-page.dto';
import { ListChangesQueryDto } from './dtos/list-changes-query.dto';
import { ChangeQueryService } from './queries/change-query.service';

/** `GET /v1/changes`: the change log for systems that cannot consume Kafka (DESIGN §2 HTTP). */
@ApiResource('changes')
@Controller('v1/changes')
export class ChangesController {
  constructor(private readonly queries: ChangeQueryService) {}

  @Get()
  @RequireRole('read')
  @ApiOperation({
    summary: 'Page through the change log',
    description:
      'The change events of the events topics, oldest first, as JSON. Poll with the nextCursor of the previous answer as ?since=; ' +
      'it is always returned and stays the same while nothing is new. Changes are kept as long as the events topics keep them ' +
      '(STAFETT_CHANGES_RETENTION_DAYS); an erased entity leaves only its erasure (a DELETE with before: null). ' +
      'A key bound to an organisation sees only the changes of its subtree (a page may then be empty while nextCursor moves on).',
  })
  @ApiOkResponse({ type: ChangePageDto })
  @ApiProblemResponses({
    422: 'Invalid entity, limit or cursor (named in errors)',
    503: 'The schema registry, needed to read this part of the log, cannot be reached; try again after Retry-After',
  })
  list(@Query() query: ListChangesQueryDto, @KeyScope() scope: string | null): Promise<ChangePageDto> {
    return this.queries.page({ ...query, scope });
  }
}
