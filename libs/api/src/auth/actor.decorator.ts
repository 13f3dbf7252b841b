import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './api-key.guard';

/** The name of the API key the request came with (set by `ApiKeyGuard`): the `source.actor` of its writes. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (actor === undefined) throw new Error('@Actor() on a route without ApiKeyGuard');
  return actor;
});
