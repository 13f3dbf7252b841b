import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { ApiProblemResponses } from './problem/problem.dto';

/**
 * What every `/v1` controller carries: API-key authentication, problem+json errors, and their
 * OpenAPI description (tag, bearer security, the 401 answer).
 */
export function ApiResource(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(ApiKeyGuard),
    UseFilters(ProblemDetailsFilter),
    ApiProblemResponses({ 401: 'No API key, or an unknown or revoked one (WWW-Authenticate: Bearer)' }),
  );
}
