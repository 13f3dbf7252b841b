import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { Problems } from '../problem/problem-details';
import { ApiKeyService } from './api-key.service';

/** A request that passed `ApiKeyGuard`: `actor` is the name of its key. */
export interface AuthenticatedRequest extends IncomingMessage {
  actor?: string;
}

const REALM = 'Bearer realm="stafett"';

/**
 * `Authorization: Bearer <api key>` on every `/v1` route: a missing or unknown key is a 401
 * problem with `WWW-Authenticate: Bearer` (RFC 6750); a valid one puts its name on the request
 * as the actor (`@Actor()`).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw Problems.unauthorized('This API needs an API key: send "Authorization: Bearer <key>".', REALM);
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!match) {
      throw Problems.unauthorized('The Authorization header must read "Bearer <key>".', `${REALM}, error="invalid_request"`);
    }
    const principal = await this.keys.verify(match[1]);
    if (!principal) {
      throw Problems.unauthorized('The API key is unknown or revoked.', `${REALM}, error="invalid_token", error_description="The API key is unknown or revoked"`);
    }
    request.actor = principal.name;
    return true;
  }
}
