import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiKeyVerifier } from './auth/api-key-verifier';
import { apiKeyPreflight } from './auth/api-key.preflight';
import { apiValidationPipe } from './problem/validation-problem';

export interface ApiHttpOptions {
  /** Largest JSON body (body-parser syntax, e.g. '20mb'); default 100kb. */
  readonly jsonLimit?: string;
}

/**
 * The HTTP plumbing of an app serving `/v1`, in the order that matters: the API key is checked
 * (preflight) before the JSON body is read, then the body is parsed within its limit, then
 * validated by the platform's pipe. Call before `app.init()`, in place of `useBodyParser` and `useGlobalPipes`.
 */
export function configureApiHttp(app: NestExpressApplication, options: ApiHttpOptions = {}): void {
  app.use(apiKeyPreflight(app.get(ApiKeyVerifier)));
  app.useBodyParser('json', { limit: options.jsonLimit ?? '100kb' });
  app.useGlobalPipes(apiValidationPipe());
}
