import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { GLOBAL_CONFIG_SUBJECT } from './database/compatibility-config.entity';
import { CompatibilityConfigDto } from './dtos/compatibility-config.dto';
import { parseBody } from './dtos/parse-body';
import { RegisterSchemaDto } from './dtos/register-schema.dto';
import type { CompatibilityLevel } from './domain/compatibility-level';
import { parseVersion, RegistryErrors } from './schema-registry.exception';
import { SchemaRegistryExceptionFilter } from './schema-registry-exception.filter';
import { SchemaRegistryHttpInterceptor } from './schema-registry-http.interceptor';
import { SchemaRegistryService, type SubjectVersionView } from './schema-registry.service';

const schemaRequest = (body: unknown) => parseBody(RegisterSchemaDto, body, RegistryErrors.unprocessable);
const configRequest = (body: unknown) =>
  parseBody(CompatibilityConfigDto, body, () => RegistryErrors.invalidCompatibilityLevel());

function parseSchemaId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) > 2 ** 31 - 1) throw RegistryErrors.schemaIdNotFound(raw);
  return Number(raw);
}

/** The Confluent Schema Registry REST API, as far as clients use it (AVRO only). */
@ApiTags('schema-registry')
@Controller()
@UseFilters(SchemaRegistryExceptionFilter)
@UseInterceptors(SchemaRegistryHttpInterceptor)
export class SchemaRegistryController {
  constructor(private readonly registry: SchemaRegistryService) {}

  @Get('schemas/ids/:id')
  async schema(@Param('id') id: string): Promise<{ schema: string; schemaType?: string }> {
    const found = await this.registry.schemaById(parseSchemaId(id));
    // Like Confluent, `schemaType` is only given when it is not the default AVRO.
    return found.schemaType === 'AVRO' ? { schema: found.schema } : { schema: found.schema, schemaType: found.schemaType };
  }

  @Get('schemas/ids/:id/versions')
  schemaVersions(@Param('id') id: string): Promise<{ subject: string; version: number }[]> {
    return this.registry.subjectVersionsOfSchema(parseSchemaId(id));
  }

  @Get('subjects')
  subjects(): Promise<string[]> {
    return this.registry.subjects();
  }

  @Post('subjects/:subject/versions')
  @HttpCode(200)
  register(@Param('subject') subject: string, @Body() body: unknown): Promise<{ id: number }> {
    return this.registry.register(subject, schemaRequest(body));
  }

  @Post('subjects/:subject')
  @HttpCode(200)
  lookup(@Param('subject') subject: string, @Body() body: unknown): Promise<SubjectVersionView> {
    return this.registry.lookup(subject, schemaRequest(body));
  }

  @Get('subjects/:subject/versions')
  versions(@Param('subject') subject: string): Promise<number[]> {
    return this.registry.versions(subject);
  }

  @Get('subjects/:subject/versions/:version')
  version(@Param('subject') subject: string, @Param('version') version: string): Promise<SubjectVersionView> {
    return this.registry.version(subject, parseVersion(version));
  }

  /** The schema text alone, as registered. */
  @Get('subjects/:subject/versions/:version/schema')
  async rawSchema(@Param('subject') subject: string, @Param('version') version: string): Promise<string> {
    return (await this.registry.version(subject, parseVersion(version))).schema;
  }

  @Delete('subjects/:subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string): Promise<number[]> {
    return this.registry.deleteSubject(subject, permanent === 'true');
  }

  @Delete('subjects/:subject/versions/:version')
  deleteVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Query('permanent') permanent?: string,
  ): Promise<number> {
    return this.registry.deleteVersion(subject, parseVersion(version), permanent === 'true');
  }

  @Post('compatibility/subjects/:subject/versions/:version')
  @HttpCode(200)
  compatibleWithVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ): Promise<CompatibilityAnswer> {
    return this.compatibility(subject, parseVersion(version), body, verbose);
  }

  /** Against every version the subject's level names (Confluent's endpoint without a version). */
  @Post('compatibility/subjects/:subject/versions')
  @HttpCode(200)
  compatibleWithVersions(
    @Param('subject') subject: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ): Promise<CompatibilityAnswer> {
    return this.compatibility(subject, undefined, body, verbose);
  }

  @Get('config')
  async globalConfig(): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.globalLevel() };
  }

  @Put('config')
  async setGlobalConfig(@Body() body: unknown): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setLevel(GLOBAL_CONFIG_SUBJECT, configRequest(body).compatibility) };
  }

  @Get('config/:subject')
  async subjectConfig(
    @Param('subject') subject: string,
    @Query('defaultToGlobal') defaultToGlobal?: string,
  ): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.subjectLevel(subject, defaultToGlobal === 'true') };
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

  private async compatibility(
    subject: string,
    version: ReturnType<typeof parseVersion> | undefined,
    body: unknown,
    verbose: string | undefined,
  ): Promise<CompatibilityAnswer> {
    const result = await this.registry.testCompatibility(subject, version, schemaRequest(body));
    return verbose === 'true'
      ? { is_compatible: result.compatible, messages: [...result.messages] }
      : { is_compatible: result.compatible };
  }
}

interface CompatibilityAnswer {
  is_compatible: boolean;
  messages?: string[];
}
