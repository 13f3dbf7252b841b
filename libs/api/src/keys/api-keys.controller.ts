import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { ApiResource } from '../api-resource.decorator';
import { ApiKeyInputError, ApiKeyService, type ApiKeyView } from '../auth/api-key.service';
import { RequireRole } from '../auth/api-role';
import { Problems } from '../problem/problem-details';
import { ApiProblemResponses } from '../problem/problem.dto';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './dtos/api-key.dto';

const DAY_MS = 86_400_000;
/** A key without a stated expiry lasts this long. */
export const DEFAULT_KEY_LIFETIME_DAYS = 90;
const MAX_KEY_LIFETIME_DAYS = 731;

const KeyId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('No API key with this id.') });

const toDto = (v: ApiKeyView): ApiKeyDto => ({
  id: v.id,
  name: v.name,
  roles: [...v.roles],
  organisationId: v.organisationId,
  keyHint: v.keyHint,
  createdAt: v.createdAt.toISOString(),
  expiresAt: v.expiresAt?.toISOString() ?? null,
  revokedAt: v.revokedAt?.toISOString() ?? null,
});

/** The expiry of a new key: 90 days by default, null on request, else a future instant at most two years ahead. */
function expiryOf(requested: string | null | undefined, now: number): Date | null {
  if (requested === null) return null;
  if (requested === undefined) return new Date(now + DEFAULT_KEY_LIFETIME_DAYS * DAY_MS);
  const at = new Date(requested);
  const field = 'expiresAt';
  if (at.getTime() <= now) throw Problems.validation([{ field, code: 'INVALID_DATE', message: 'expiresAt must be in the future.' }]);
  if (at.getTime() > now + MAX_KEY_LIFETIME_DAYS * DAY_MS) throw Problems.validation([{ field, code: 'INVALID_DATE', message: 'expiresAt may be at most two years ahead.' }]);
  return at;
}

/** `/v1/api-keys`: API key management, admin only. A key is shown once, when created; only its hash is kept. */
@ApiResource('api-keys')
@RequireRole('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The key is in the answer, and only there: store it at once.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblemResponses({ 403: 'The key is not an admin key', 422: 'Invalid name, roles, expiry or organisationId (an admin key cannot be bound to an organisation)' })
  async create(@Body() body: CreateApiKeyDto, @Res({ passthrough: true }) res: Pick<ServerResponse, 'setHeader'>): Promise<CreatedApiKeyDto> {
    let created;
    try {
      created = await this.keys.create({ name: body.name, roles: body.roles, expiresAt: expiryOf(body.expiresAt, Date.now()), organisationId: body.organisationId ?? null });
    } catch (e) {
      if (e instanceof ApiKeyInputError) throw Problems.validation([{ field: e.field, code: e.code, message: e.message }]);
      throw e;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Location', `/v1/api-keys/${created.id}`);
    return { ...toDto(created), key: created.key };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys', description: 'Every key, newest first, revoked ones with revokedAt; never the keys themselves.' })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiProblemResponses({ 403: 'The key is not an admin key' })
  async list(): Promise<ApiKeyListDto> {
    return { items: (await this.keys.list()).map(toDto) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an API key', description: 'The key as listed: never the key itself.' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiProblemResponses({ 403: 'The key is not an admin key', 404: 'No such key' })
  async get(@Param('id', KeyId) id: string): Promise<ApiKeyDto> {
    const key = await this.keys.get(id);
    if (!key) throw Problems.notFound('No API key with this id.');
    return toDto(key);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key', description: 'The key opens nothing from now on (other processes follow within 30 s).' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblemResponses({ 403: 'The key is not an admin key', 404: 'No such key, or revoked already' })
  async revoke(@Param('id', KeyId) id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw Problems.notFound('No API key with this id, or it was revoked already.');
  }
}
