import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PublicRoute, RequireRole } from '@stafett/api';
import { GLOBAL_CONFIG_SUBJECT } from './database/compatibility-config.entity';
import { CompatibilityConfigDto } from './dtos/compatibility-config.dto';
import { ModeDto } from './dtos/mode.dto';
import { parseBody } from './dtos/parse-body';
import { RegisterSchemaDto } from './dtos/register-schema.dto';
import type { CompatibilityLevel } from './domain/compatibility-level';
import { isValidSubject } from './domain/subject-name';
import { parseVersion, RegistryErrors } from './schema-registry.exception';
import { SchemaRegistryExceptionFilter } from './schema-registry-exception.filter';
import { SchemaRegistryHttpInterceptor } from './schema-registry-http.interceptor';
import { SchemaRegistryService, type DeletedFilter, type SubjectVersionView } from './schema-registry.service';

const schemaRequest = (body: unknown) => parseBody(RegisterSchemaDto, body, RegistryErrors.unprocessable);
const configRequest = (body: unknown) =>
  parseBody(CompatibilityConfigDto, body, () => RegistryErrors.invalidCompatibilityLevel());
const modeRequest = (body: unknown) => parseBody(ModeDto, body, () => RegistryErrors.invalidMode());

/** A query flag as JAX-RS reads a `boolean` parameter: `true` in any case is true, anything else false. */
const flag = (value: unknown): boolean => typeof value === 'string' && value.toLowerCase() === 'true';

/** `deleted` / `deletedOnly` of the list endpoints (`deletedOnly` wins, as in Confluent). */
const deletedFilter = (deleted: unknown, deletedOnly: unknown): DeletedFilter =>
  flag(deletedOnly) ? 'deletedOnly' : flag(deleted) ? 'withDeleted' : 'live';

/** `offset` / `limit` pagination of the list endpoints (a negative limit is no limit). */
function page<T>(items: T[], offset: unknown, limit: unknown): T[] {
  const from = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : 0;
  const size = typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : -1;
  return size < 0 ? items.slice(from) : items.slice(from, from + size);
}

/** A schema id path segment: a Java `Integer` (else Confluent's router answers a plain 404). */
function parseSchemaId(raw: string): number {
  const id = /^[+-]?\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(id) || id > 2 ** 31 - 1 || id < -(2 ** 31)) throw RegistryErrors.notFound();
  return id;
}

/** The only mode of the built-in registry. */
const READWRITE = 'READWRITE';
const MODES = new Set(['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT']);

/**
 * The Confluent Schema Registry REST API, as far as clients and tools use it (AVRO only). Reads
 * (and the side-effect-free lookups and compatibility checks) are open, as Confluent clients
 * expect; every write needs an admin key (`@RequireRole('admin')` on the class, `@PublicRoute()`
 * on the reads): a hostile write (a schema, compatibility NONE, a deleted subject) breaks every producer.
 */
@ApiTags('schema-registry')
@RequireRole('admin')
@Controller()
@UseFilters(SchemaRegistryExceptionFilter)
@UseInterceptors(SchemaRegistryHttpInterceptor)
export class SchemaRegistryController {
  constructor(private readonly registry: SchemaRegistryService) {}

  /** Confluent's root resource: an empty object, used as a liveness probe. */
  @PublicRoute()
  @Get()
  root(): Record<string, never> {
    return {};
  }

  @PublicRoute()
  @Post()
  @HttpCode(200)
  postRoot(): Record<string, never> {
    return {};
  }

  @PublicRoute()
  @Get('schemas')
  async schemas(
    @Query('subjectPrefix') subjectPrefix?: string,
    @Query('deleted') deleted?: string,
    @Query('latestOnly') latestOnly?: string,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
  ): Promise<SubjectVersionView[]> {
    const schemas = await this.registry.schemas({
      prefix: typeof subjectPrefix === 'string' ? subjectPrefix : '',
      withDeleted: flag(deleted),
      latestOnly: flag(latestOnly),
    });
    return page(schemas, offset, limit);
  }

  @PublicRoute()
  @Get('schemas/types')
  schemaTypes(): string[] {
    return ['AVRO'];
  }

  @PublicRoute()
  @Get('schemas/ids/:id')
  async schema(@Param('id') id: string): Promise<{ schema: string; schemaType?: string }> {
    const found = await this.registry.schemaById(parseSchemaId(id));
    // Like Confluent, `schemaType` is only given when it is not the default AVRO.
    return found.schemaType === 'AVRO' ? { schema: found.schema } : { schema: found.schema, schemaType: found.schemaType };
  }

  /** The schema text alone. */
  @PublicRoute()
  @Get('schemas/ids/:id/schema')
  async schemaText(@Param('id') id: string): Promise<string> {
    return (await this.registry.schemaById(parseSchemaId(id))).schema;
  }

  @PublicRoute()
  @Get('schemas/ids/:id/subjects')
  schemaSubjects(@Param('id') id: string, @Query('deleted') deleted?: string): Promise<string[]> {
    return this.registry.subjectsOfSchema(parseSchemaId(id), flag(deleted));
  }

  @PublicRoute()
  @Get('schemas/ids/:id/versions')
  schemaVersions(@Param('id') id: string, @Query('deleted') deleted?: string): Promise<{ subject: string; version: number }[]> {
    return this.registry.subjectVersionsOfSchema(parseSchemaId(id), flag(deleted));
  }

  @PublicRoute()
  @Get('subjects')
  async subjects(
    @Query('subjectPrefix') subjectPrefix?: string,
    @Query('deleted') deleted?: string,
    @Query('deletedOnly') deletedOnly?: string,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
  ): Promise<string[]> {
    const subjects = await this.registry.subjects({
      prefix: typeof subjectPrefix === 'string' ? subjectPrefix : '',
      filter: deletedFilter(deleted, deletedOnly),
    });
    return page(subjects, offset, limit);
  }

  @Post('subjects/:subject/versions')
  @HttpCode(200)
  register(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query('normalize') normalize?: string,
  ): Promise<{ id: number }> {
    return this.registry.register(subject, schemaRequest(body), { normalize: flag(normalize) });
  }

  /** Finds a schema's version: a read, though a POST. */
  @PublicRoute()
  @Post('subjects/:subject')
  @HttpCode(200)
  lookup(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query('normalize') normalize?: string,
    @Query('deleted') deleted?: string,
  ): Promise<SubjectVersionView> {
    return this.registry.lookup(subject, schemaRequest(body), { normalize: flag(normalize), deleted: flag(deleted) });
  }

  @PublicRoute()
  @Get('subjects/:subject/versions')
  versions(
    @Param('subject') subject: string,
    @Query('deleted') deleted?: string,
    @Query('deletedOnly') deletedOnly?: string,
  ): Promise<number[]> {
    return this.registry.versions(subject, deletedFilter(deleted, deletedOnly));
  }

  @PublicRoute()
  @Get('subjects/:subject/versions/:version')
  version(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('deleted') deleted?: string,
  ): Promise<SubjectVersionView> {
    return this.registry.version(subject, parseVersion(version), flag(deleted));
  }

  /** The schema text alone. */
  @PublicRoute()
  @Get('subjects/:subject/versions/:version/schema')
  async rawSchema(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('deleted') deleted?: string,
  ): Promise<string> {
    return (await this.registry.version(subject, parseVersion(version), flag(deleted))).schema;
  }

  /** Ids of schemas referencing this version: none, as the built-in registry has no schema references. */
  @PublicRoute()
  @Get('subjects/:subject/versions/:version/referencedby')
  async referencedBy(@Param('subject') subject: string, @Param('version') version: string): Promise<number[]> {
    await this.registry.version(subject, parseVersion(version), true);
    return [];
  }

  @Delete('subjects/:subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string): Promise<number[]> {
    return this.registry.deleteSubject(subject, flag(permanent));
  }

  @Delete('subjects/:subject/versions/:version')
  deleteVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('permanent') permanent?: string,
  ): Promise<number> {
    return this.registry.deleteVersion(subject, parseVersion(version), flag(permanent));
  }

  @PublicRoute()
  @Post('compatibility/subjects/:subject/versions/:version')
  @HttpCode(200)
  compatibleWithVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ): Promise<CompatibilityAnswer> {
    return this.compatibility(subject, parseVersion(version), body, flag(verbose));
  }

  /** Against every version the subject's level names (Confluent's endpoint without a version). */
  @PublicRoute()
  @Post('compatibility/subjects/:subject/versions')
  @HttpCode(200)
  compatibleWithVersions(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ): Promise<CompatibilityAnswer> {
    return this.compatibility(subject, undefined, body, flag(verbose));
  }

  @PublicRoute()
  @Get('config')
  async globalConfig(): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.globalLevel() };
  }

  @Put('config')
  async setGlobalConfig(@Body() body: unknown): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setLevel(GLOBAL_CONFIG_SUBJECT, configRequest(body).compatibility) };
  }

  @PublicRoute()
  @Get('config/:subject')
  async subjectConfig(
    @Param('subject') subject: string,
    @Query('defaultToGlobal') defaultToGlobal?: string,
  ): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.subjectLevel(subject, flag(defaultToGlobal)) };
  }

  @Put('config/:subject')
  async setSubjectConfig(
    @Param('subject') subject: string,
    @Body() body: unknown,
  ): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setLevel(subject, configRequest(body).compatibility) };
  }

  @Delete('config/:subject')
  async deleteSubjectConfig(@Param('subject') subject: string): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.deleteSubjectLevel(subject) };
  }

  /** The built-in registry is always READWRITE (no IMPORT or READONLY modes). */
  @PublicRoute()
  @Get('mode')
  globalMode(): { mode: string } {
    return { mode: READWRITE };
  }

  @Put('mode')
  setGlobalMode(@Body() body: unknown): { mode: string } {
    return { mode: this.acceptMode(modeRequest(body).mode) };
  }

  /** No subject has a mode of its own: 40409, or the global one with `defaultToGlobal=true` (Confluent). */
  @PublicRoute()
  @Get('mode/:subject')
  subjectMode(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string): { mode: string } {
    if (!flag(defaultToGlobal)) throw RegistryErrors.subjectModeNotFound(subject);
    return { mode: READWRITE };
  }

  @Put('mode/:subject')
  setSubjectMode(@Param('subject') subject: string, @Body() body: unknown): { mode: string } {
    if (!isValidSubject(subject)) throw RegistryErrors.invalidSubject(subject);
    return { mode: this.acceptMode(modeRequest(body).mode) };
  }

  @Delete('mode/:subject')
  deleteSubjectMode(@Param('subject') subject: string): never {
    throw RegistryErrors.subjectNotFound(subject);
  }

  /** Setting READWRITE is a no-op that succeeds; any other mode is not permitted (42205), an unknown one invalid (42204). */
  private acceptMode(requested: string): string {
    const mode = requested.toUpperCase();
    if (!MODES.has(mode)) throw RegistryErrors.invalidMode();
    if (mode !== READWRITE) throw RegistryErrors.modeNotChangeable(mode);
    return mode;
  }

  private async compatibility(
    subject: string,
    version: ReturnType<typeof parseVersion> | undefined,
    body: unknown,
    verbose: boolean,
  ): Promise<CompatibilityAnswer> {
    const result = await this.registry.testCompatibility(subject, version, schemaRequest(body), verbose);
    return verbose ? { is_compatible: result.compatible, messages: [...result.messages] } : { is_compatible: result.compatible };
  }
}

interface CompatibilityAnswer {
  is_compatible: boolean;
  messages?: string[];
}
