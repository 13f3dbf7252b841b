import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './api-key.guard';

/** The name of the API key the request came with (set by `ApiKeyGuard`): the `source.actor` of its writes. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (actor === undefined) throw new Error('@Actor() on a route without ApiKeyGuard');
  return actor;
});

/**
 * The organisation subtree the request's API key is bound to, or null for a global key (admin keys
 * are always global). A resource answers 404 for an entity none of whose organisations is in the
 * subtree (`OrganisationTree.containsAny`), and filters its lists to the subtree.
 */
export const KeyScope = createParamDecorator((_data: unknown, context: ExecutionContext): string | null => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal === undefined) throw new Error('@KeyScope() on a route without ApiKeyGuard');
  return principal.roles.includes('admin') ? null : (principal.organisationId ?? null);
});
