import { Controller, Get, Headers, Inject, Query, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { ProblemDetailsFilter, Problems } from '@stafett/api';
import { PersonsClient, PlatformError } from '../client/persons-client';
import { writeMemberFile, type MemberFileFormat } from '../write/write-member-file';

/** Where the connector reads the register: the platform's public REST API (a connector never reads domain tables). */
export const MEMBER_FILE_PLATFORM_URL = Symbol('MEMBER_FILE_PLATFORM_URL');

const CONTENT_TYPES: Readonly<Record<MemberFileFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /v1/member-file/export?organisationId=…&format=xlsx|csv`: the organisation's current members
 * as a file with the headers the import reads. The caller's API key is passed on to
 * `GET /v1/persons`, so the platform decides what the key may see (another club's register is 404
 * there as everywhere). Streamed: pages of 500 persons become rows as they come.
 */
@ApiTags('connectors')
@UseFilters(ProblemDetailsFilter)
@Controller('v1/member-file')
export class MemberRegisterExportController {
  constructor(@Inject(MEMBER_FILE_PLATFORM_URL) private readonly platformUrl: string) {}

  @Get('export')
  @ApiOperation({ summary: "Export an organisation's member register as .xlsx or .csv" })
  @ApiQuery({ name: 'organisationId', format: 'uuid' })
  @ApiQuery({ name: 'format', enum: ['xlsx', 'csv'], required: false })
  @ApiQuery({ name: 'sourceSystem', required: false, description: "The member-file connector's source system: its external ids are written as member numbers" })
  async export(
    @Query('organisationId') organisationId: string | undefined,
    @Query('format') format: string | undefined,
    @Query('sourceSystem') sourceSystem: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const errors = [
      ...(organisationId && UUID.test(organisationId) ? [] : [{ field: 'organisationId', code: 'INVALID_FORMAT', message: 'organisationId must be a uuid' }]),
      ...(format === undefined || format === 'xlsx' || format === 'csv' ? [] : [{ field: 'format', code: 'INVALID_ENUM', message: 'format must be xlsx or csv' }]),
    ];
    if (errors.length > 0) throw Problems.validation(errors);
    const kind: MemberFileFormat = format === 'csv' ? 'csv' : 'xlsx';
    const apiKey = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!apiKey) throw Problems.unauthorized('An API key is required (Authorization: Bearer <key>).', 'Bearer');
    const client = new PersonsClient({ baseUrl: this.platformUrl, apiKey });
    const persons = client.persons(organisationId!);
    // The first page before the headers: an unknown organisation or a refused key is still a problem answer.
    let first: IteratorResult<Awaited<ReturnType<typeof persons.next>>['value']>;
    try {
      first = await persons.next();
    } catch (e) {
      if (e instanceof PlatformError && e.status === 404) throw Problems.notFound('No organisation with this id.');
      if (e instanceof PlatformError && (e.status === 401 || e.status === 403)) throw Problems.forbidden('The API key may not read this register.');
      throw Problems.unavailable(e instanceof Error ? e.message : 'The platform could not be read.');
    }
    const all = (async function* () {
      if (!first.done) yield first.value;
      yield* persons;
    })();
    res.statusCode = 200;
    res.setHeader('Content-Type', CONTENT_TYPES[kind]);
    res.setHeader('Content-Disposition', `attachment; filename="medlemmar.${kind}"`);
    await writeMemberFile(all, kind, res, { organisationId: organisationId!, sourceSystem, asOf: new Date().toISOString().slice(0, 10) });
  }
}
