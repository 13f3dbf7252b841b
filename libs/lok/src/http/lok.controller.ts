import { Controller, Get, Header, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery } from '@nestjs/swagger';
import type { ServerResponse as Response } from 'node:http';
import { ApiProblemResponses, ApiResource, KeyScope, Problems, RequireRole, type AuthenticatedRequest } from '@stafett/api';
import { parseCalendarDate, parseLokPeriod, type LokPeriod } from '@stafett/domain';
import { LokApplicationService, type LokApplication } from '../application/lok-application.service';
import { LokProjectionStore, type LokOrganisationRow } from '../database/lok-projection.store';
import { lokCsv, lokParticipantsCsv, lokXml } from '../files/lok-files';

const ClubId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('No club with this id.') });
const CLUB_TYPES = new Set(['CLUB', 'SECTION']);

function periodOf(text: string): LokPeriod {
  const period = parseLokPeriod(text);
  if (!period)
    throw Problems.malformedRequest('The period is invalid.', [
      { field: 'period', code: 'INVALID_FORMAT', message: 'A period is written YYYYH1 (January–June) or YYYYH2 (July–December), e.g. 2026H1.' },
    ]);
  return period;
}

function asOfOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const date = typeof text === 'string' ? parseCalendarDate(text) : null;
  if (!date?.ok) throw Problems.malformedRequest('asOf is invalid.', [{ field: 'asOf', code: 'INVALID_DATE', message: 'asOf is a date written YYYY-MM-DD.' }]);
  return date.value;
}

/**
 * `/v1/lok/:organisationId/:period…`: a club's LOK-stöd application for a half-year from the
 * connector's projection. A key bound to an organisation sees only clubs in its subtree (else 404);
 * the participant list (personal data) only a key bound to the club itself, or an admin key.
 */
@ApiResource('lok')
@Controller('v1/lok')
export class LokController {
  constructor(
    private readonly store: LokProjectionStore,
    private readonly applications: LokApplicationService,
  ) {}

  private async club(id: string, scope: string | null): Promise<LokOrganisationRow> {
    const organisation = await this.store.organisation(id);
    if (!organisation || !CLUB_TYPES.has(organisation.type) || (scope !== null && !(await this.store.isWithin(id, scope)))) throw Problems.notFound('No club with this id.');
    return organisation;
  }

  private async application(id: string, periodText: string, scope: string | null, asOfText?: string): Promise<LokApplication> {
    const period = periodOf(periodText);
    const asOf = asOfOf(asOfText);
    return this.applications.application(await this.club(id, scope), period, asOf);
  }

  @Get(':organisationId/:period')
  @RequireRole('read')
  @ApiOperation({
    summary: "A club's LOK-stöd application for a period",
    description:
      'Activities (evaluated, eligible, not eligible), participant occasions by age band and sex, leader occasions, the reasons met, ' +
      'the deadline and the reduction of a late application as of `asOf` (default today), and the estimated amounts with the configured rates.',
  })
  @ApiParam({ name: 'period', example: '2026H1' })
  @ApiQuery({ name: 'asOf', required: false, description: 'The submission day for the late reduction (YYYY-MM-DD); default today in Sweden.' })
  @ApiOkResponse({ description: 'The application summary' })
  @ApiProblemResponses({ 400: 'Invalid period or asOf (named in errors)', 404: 'No such club, or not in the key’s subtree' })
  async summary(
    @Param('organisationId', ClubId) id: string,
    @Param('period') period: string,
    @Query('asOf') asOf: string | undefined,
    @KeyScope() scope: string | null,
  ): Promise<object> {
    const app = await this.application(id, period, scope, asOf);
    return {
      organisation: app.organisation,
      period: app.period,
      municipalRules: app.municipalRules?.name ?? null,
      ruleSets: [...new Set(app.verdicts.map((v) => v.ruleSet))].sort(),
      deadline: app.period.deadline,
      lateness: app.lateness,
      ...app.summary,
    };
  }

  @Get(':organisationId/:period/verdicts')
  @RequireRole('read')
  @ApiOperation({ summary: 'Per-activity verdicts with every reason', description: 'In evaluation order (start time, then id). Persons appear by id only.' })
  @ApiProblemResponses({ 400: 'Invalid period (named in errors)', 404: 'No such club, or not in the key’s subtree' })
  async verdicts(@Param('organisationId', ClubId) id: string, @Param('period') period: string, @KeyScope() scope: string | null): Promise<object> {
    const app = await this.application(id, period, scope);
    return { organisationId: id, period: app.period.id, items: app.verdicts };
  }

  @Get(':organisationId/:period/file')
  @RequireRole('read')
  @ApiOperation({ summary: 'The municipal file (docs/lok-file-format.md)', description: 'CSV (`;`, CRLF, UTF-8) or XML: one row/element per eligible activity.' })
  @ApiQuery({ name: 'format', enum: ['csv', 'xml'], required: false })
  @ApiProduces('text/csv', 'application/xml')
  @ApiProblemResponses({ 400: 'Invalid period or format (named in errors)', 404: 'No such club, or not in the key’s subtree' })
  async file(
    @Param('organisationId', ClubId) id: string,
    @Param('period') period: string,
    @Query('format') format: unknown,
    @KeyScope() scope: string | null,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const kind = format ?? 'csv';
    if (kind !== 'csv' && kind !== 'xml') throw Problems.malformedRequest('format is invalid.', [{ field: 'format', code: 'INVALID_ENUM', message: 'format is csv or xml.' }]);
    const app = await this.application(id, period, scope);
    const name = `lok-${app.organisation.organisationNumber ?? app.organisation.id}-${app.period.id}.${kind}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Content-Type', kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/xml; charset=utf-8');
    return kind === 'csv' ? lokCsv(app) : lokXml(app);
  }

  @Get(':organisationId/:period/participants.csv')
  @RequireRole('read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The participant list (personal data)',
    description: 'Namn;Personnummer;Kön of every person counted in the period. Only for a key bound to this club, or an admin key; others get 403 (or 404 outside their subtree).',
  })
  @ApiProduces('text/csv')
  @ApiProblemResponses({ 400: 'Invalid period (named in errors)', 403: 'A key not bound to this club', 404: 'No such club, or not in the key’s subtree' })
  async participants(
    @Param('organisationId', ClubId) id: string,
    @Param('period') period: string,
    @KeyScope() scope: string | null,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const p = periodOf(period);
    const club = await this.club(id, scope);
    const principal = req.principal!;
    if (!principal.roles.includes('admin') && principal.organisationId !== id)
      throw Problems.forbidden('The participant list holds personal data: it is served only to a key bound to this club, or to an admin key.');
    const app = await this.applications.application(club, p);
    const ids = new Set<string>();
    for (const v of app.verdicts) for (const c of [...v.participants, ...v.leaders]) ids.add(c.personId);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="deltagare-${app.period.id}.csv"`);
    return lokParticipantsCsv(await this.store.listedPersons([...ids]));
  }
}
