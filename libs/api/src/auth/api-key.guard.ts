import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { Problems } from '../problem/problem-details';
import { ApiKeyVerifier, type ApiPrincipal } from './api-key-verifier';
import { defaultRoles, grants, PUBLIC_ROUTE, REQUIRED_ROLES, type ApiRole } from './api-role';
import { credentialOf } from './credentials';

/** A request that passed `ApiKeyGuard`: `actor` is the name of its key. */
export interface AuthenticatedRequest extends IncomingMessage {
  actor?: string;
  /** Set by the guard, or earlier by `apiKeyPreflight` (which checks the key before the body is read). */
  principal?: ApiPrincipal;
}

export const REALM = 'Bearer realm="stafett"';

/** The 401 for a request without a usable key (RFC 6750 challenge). */
export async function authenticate(verifier: ApiKeyVerifier, header: string | undefined): Promise<ApiPrincipal> {
  const credential = credentialOf(header);
  if (credential.kind === 'missing') throw Problems.unauthorized('This API needs an API key: send "Authorization: Bearer <key>".', REALM);
  if (credential.kind === 'malformed') {
    throw Problems.unauthorized('The Authorization header must read "Bearer <key>".', `${REALM}, error="invalid_request"`);
  }
  const principal = await verifier.verify(credential.key);
  if (!principal) {
    throw Problems.unauthorized('The API key is unknown, revoked or expired.', `${REALM}, error="invalid_token", error_description="The API key is unknown, revoked or expired"`);
  }
  return principal;
}

/**
 * Every route needs an API key unless it is marked `@PublicRoute()`: `Authorization: Bearer <key>`
 * (or Basic with the key as password). A missing, unknown, revoked or expired key is a 401 with
 * `WWW-Authenticate: Bearer` (RFC 6750); a key without the route's role a 403. The role is the
 * route's `@RequireRole(…)`, else the class's, else by method (GET → read, others → import);
 * admin passes everywhere. Installed globally by `ApiModule` (APP_GUARD), so no route can forget it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly verifier: ApiKeyVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal ?? (await authenticate(this.verifier, request.headers.authorization));
    request.principal = principal;
    request.actor = principal.name;
    const required = this.reflector.getAllAndOverride<ApiRole[] | undefined>(REQUIRED_ROLES, targets) ?? defaultRoles(request.method ?? 'GET');
    if (!grants(principal.roles, required)) {
      throw Problems.forbidden(`This API key may not do this: it needs the role ${required.join(' or ')} (the key has ${principal.roles.join(', ')}).`);
    }
    return true;
  }
}
