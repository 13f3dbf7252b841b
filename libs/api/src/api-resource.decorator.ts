import { applyDecorators, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { ApiProblemResponses } from './problem/problem.dto';

/**
 * What every `/v1` controller carries: problem+json errors and their OpenAPI description (tag,
 * bearer security, the 401 and 403 answers). The API key and its role are checked by the global
 * `ApiKeyGuard` (`ApiModule`); declare a route's role with `@RequireRole`, else GET needs read and
 * other methods import.
 */
export function ApiResource(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseFilters(ProblemDetailsFilter),
    ApiProblemResponses({
      401: 'No API key, or an unknown, revoked or expired one (WWW-Authenticate: Bearer)',
      403: 'The API key lacks the role this route needs',
    }),
  );
}
