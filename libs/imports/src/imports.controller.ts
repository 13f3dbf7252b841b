import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { ApiProblemResponses, ApiResource, KeyScope, Problems, RequireRole } from '@stafett/api';
import { ImportRequestDto } from './dtos/import-request.dto';
import { ImportAcceptedDto, ImportReportDto } from './dtos/import-report.dto';
import { MAX_RECORDS_PER_IMPORT } from './imports-options';
import { ImportReportQuery } from './queries/import-report.query';
import { SubmitImportService } from './submit-import.service';

const BatchId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('No import batch with this id.') });

/** The generic import path (DESIGN §2) for systems that cannot produce to Kafka. */
@ApiResource('imports')
@Controller('v1/imports')
export class ImportsController {
  constructor(
    private readonly submitter: SubmitImportService,
    private readonly reports: ImportReportQuery,
  ) {}

  @Post()
  @RequireRole('import')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import a batch of records',
    description: `Up to ${MAX_RECORDS_PER_IMPORT} records. Answered once Kafka has every record; follow the report at Location. Through an organisation-scoped key every record carries the key's organisation (Kafka header stafett.scope) and may only create or change entities in its subtree.`,
  })
  @ApiAcceptedResponse({ type: ImportAcceptedDto, headers: { Location: { description: 'The batch report', schema: { type: 'string' } } } })
  @ApiProblemResponses({
    400: 'The body is not a JSON object',
    422: 'Invalid records (each error names records[i] and the field); nothing was imported',
    503: 'Kafka did not take the records; send the request again',
  })
  async submit(@Body() body: ImportRequestDto, @KeyScope() scope: string | null, @Res({ passthrough: true }) res: Pick<ServerResponse, 'setHeader'>): Promise<ImportAcceptedDto> {
    const { batchId } = await this.submitter.submit(body, scope);
    res.setHeader('Location', `/v1/imports/${batchId}`);
    return { batchId };
  }

  @Get(':batchId')
  // The importer follows its batches; a read key may too (a report holds outcomes and ids, no person's fields).
  @RequireRole('import', 'read')
  @ApiOperation({ summary: 'The report of a batch', description: 'PENDING until every record has its result, then DONE.' })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiProblemResponses({ 404: 'No batch with this id (to an organisation-scoped key: none submitted under its scope)' })
  async report(@Param('batchId', BatchId) batchId: string, @KeyScope() scope: string | null): Promise<ImportReportDto> {
    const report = await this.reports.report(batchId, scope);
    if (!report) throw Problems.notFound('No import batch with this id.');
    return report;
  }
}
