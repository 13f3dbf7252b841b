import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Req, Res, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiProblemResponses, ApiResource, KeyScope, ProblemException, Problems, ProblemType, RequireRole } from '@stafett/api';
import type { RunView } from '@stafett/connector-sdk';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { CONNECTORS_OPTIONS, type ConnectorsModuleOptions } from '../connectors-options';
import { ConnectorsService, type ConnectorListItem, type ConnectorStatus } from '../connectors.service';
import { AGREEMENT_SCHEMA, CONNECTOR_ID_PATTERN } from '../domain/agreement-schema';
import { reportCsv, reportLine, writeReportXlsx } from './report-file';
import { spoolUpload } from './upload';

const ID = new RegExp(CONNECTOR_ID_PATTERN);

/** A connector id that cannot be one (a NUL, a personnummer, anything outside the pattern) is simply not found. */
const ConnectorId: PipeTransform<string, string> = {
  transform: (value) => {
    if (!ID.test(value)) throw Problems.notFound('No connector with this id.');
    return value;
  },
};
const RunId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('No run with this id.') });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The connector management API, as platform teams know it from Kafka Connect (`/connectors`). */
@ApiResource('connectors')
@Controller('v1/connectors')
export class ConnectorsController {
  private readonly maxFileBytes: number;

  constructor(
    private readonly connectors: ConnectorsService,
    @Inject(CONNECTORS_OPTIONS) options: ConnectorsModuleOptions,
    @Inject(STAFETT_CONFIG) config: StafettConfig,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? config.connectorMaxFileBytes;
  }

  @Get()
  @RequireRole('read', 'import')
  @ApiOperation({
    summary: 'The connectors',
    description: 'Their state (RUNNING, PAUSED or FAILED: the last run failed) and last run. A scoped key sees its organisation’s connectors.',
  })
  list(@KeyScope() scope: string | null): Promise<{ items: ConnectorListItem[] }> {
    return this.connectors.list(scope);
  }

  @Post()
  @RequireRole('import')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a connector from an integration agreement', description: 'Stored at revision 1 and published on stafett.connectors.v1.' })
  @ApiBody({ schema: AGREEMENT_SCHEMA as object })
  @ApiProblemResponses({ 409: 'A connector with this id exists', 422: 'The agreement is invalid (each error names its field: config.<field> for the connector type’s own config)' })
  create(@Body() body: object, @KeyScope() scope: string | null): Promise<ConnectorStatus> {
    return this.connectors.create(body, scope);
  }

  @Get(':id')
  @RequireRole('read', 'import')
  @ApiOperation({ summary: 'A connector’s status', description: 'The agreement, state, last run, totals of every run and the latest errors.' })
  @ApiProblemResponses({ 404: 'No connector with this id (to a scoped key: none of its organisation)' })
  status(@Param('id', ConnectorId) id: string, @KeyScope() scope: string | null): Promise<ConnectorStatus> {
    return this.connectors.status(id, scope);
  }

  @Put(':id')
  @RequireRole('import')
  @ApiOperation({ summary: 'Replace the agreement', description: 'A new revision, published on stafett.connectors.v1.' })
  @ApiBody({ schema: AGREEMENT_SCHEMA as object })
  @ApiProblemResponses({ 404: 'No connector with this id', 422: 'The agreement is invalid' })
  replace(@Param('id', ConnectorId) id: string, @Body() body: object, @KeyScope() scope: string | null): Promise<ConnectorStatus> {
    return this.connectors.replace(id, body, scope);
  }

  @Delete(':id')
  @RequireRole('import')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connector', description: 'Its run in progress is cancelled, its state forgotten, and a tombstone published on stafett.connectors.v1.' })
  @ApiProblemResponses({ 404: 'No connector with this id' })
  async remove(@Param('id', ConnectorId) id: string, @KeyScope() scope: string | null): Promise<void> {
    await this.connectors.remove(id, scope);
  }

  @Post(':id/pause')
  @RequireRole('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause', description: 'A run in progress is cancelled (what has results keeps its saved state); no run starts until resumed.' })
  pause(@Param('id', ConnectorId) id: string, @KeyScope() scope: string | null): Promise<ConnectorStatus> {
    return this.connectors.pause(id, scope);
  }

  @Post(':id/resume')
  @RequireRole('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume' })
  resume(@Param('id', ConnectorId) id: string, @KeyScope() scope: string | null): Promise<ConnectorStatus> {
    return this.connectors.resume(id, scope);
  }

  @Post(':id/reset')
  @RequireRole('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reset', description: 'Forgets the saved state of every stream: the next run starts over.' })
  @ApiProblemResponses({ 409: 'A run is in progress' })
  reset(@Param('id', ConnectorId) id: string, @KeyScope() scope: string | null): Promise<ConnectorStatus> {
    return this.connectors.reset(id, scope);
  }

  @Post(':id/runs')
  @RequireRole('import')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run now',
    description:
      'For a connector that takes a file, the body is the file itself (its own Content-Type, not JSON), streamed to disk; ?filename= names it, ?asOf=YYYY-MM-DD is the date it speaks for.',
  })
  @ApiQuery({ name: 'filename', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiProblemResponses({ 404: 'No connector with this id', 409: 'Paused, running, or not hosted here', 413: 'The file is larger than the limit', 415: 'A file sent as JSON' })
  async run(
    @Param('id', ConnectorId) id: string,
    @KeyScope() scope: string | null,
    @Req() req: IncomingMessage & { body?: unknown },
    @Query('filename') filename?: string,
    @Query('asOf') asOf?: string,
  ): Promise<{ runId: string }> {
    if (asOf !== undefined && (!DATE.test(asOf) || Number.isNaN(Date.parse(asOf)))) {
      throw Problems.validation([{ field: 'asOf', code: 'INVALID_DATE', message: 'must be a date written YYYY-MM-DD' }]);
    }
    const { stored, acceptsFile } = await this.connectors.runnable(id, scope);
    if (!acceptsFile) {
      req.resume();
      return this.connectors.run(stored, asOf ? { asOf } : {});
    }
    if (/^application\/json/i.test(req.headers['content-type'] ?? '') || req.readableEnded) {
      throw new ProblemException({
        type: ProblemType.blank,
        title: 'Unsupported Media Type',
        status: 415,
        detail: 'Send the file itself as the body, with its own Content-Type (e.g. text/csv), not as JSON.',
      });
    }
    const name = (filename ?? 'upload').replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 200);
    // An empty file is the connector's to refuse with its own reason: it runs and fails.
    const file = await spoolUpload(req, name, this.maxFileBytes);
    return this.connectors.run(stored, { file: file.input, ...(asOf ? { asOf } : {}) }, file.remove);
  }

  @Get(':id/runs/:runId')
  @RequireRole('read', 'import')
  @ApiOperation({ summary: 'A run', description: 'Status, progress and counts; FAILED with the code and message when the input could not be read (then nothing of it was sent).' })
  @ApiProblemResponses({ 404: 'No connector or run with this id' })
  runStatus(@Param('id', ConnectorId) id: string, @Param('runId', RunId) runId: string, @KeyScope() scope: string | null): Promise<RunView> {
    return this.connectors.runStatus(id, runId, scope);
  }

  @Get(':id/runs/:runId/report')
  @RequireRole('read', 'import')
  @ApiOperation({ summary: 'A run’s report', description: 'Every rejected and noted row: row, column (field), code, message, externalId; as JSON, or a CSV or XLSX download.' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'] })
  @ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'The report' })
  async report(
    @Param('id', ConnectorId) id: string,
    @Param('runId', RunId) runId: string,
    @KeyScope() scope: string | null,
    @Res() res: ServerResponse,
    @Query('format') format = 'json',
  ): Promise<void> {
    if (!['json', 'csv', 'xlsx'].includes(format)) throw Problems.validation([{ field: 'format', code: 'INVALID_ENUM', message: 'must be one of json, csv, xlsx' }]);
    const { run, issues } = await this.connectors.report(id, runId, scope);
    res.statusCode = 200;
    if (format === 'json') {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ runId: run.runId, status: run.status, items: issues.map(reportLine) }));
      return;
    }
    res.setHeader('Content-Disposition', `attachment; filename="${id}-${runId}.${format}"`);
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.end(reportCsv(issues));
      return;
    }
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await writeReportXlsx(issues, res);
  }
}
