import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard, ApiKeyVerifier, StaticApiKeyVerifier } from '@stafett/api';

/**
 * For the registry running alone (no key table): writes need one of these admin keys, sent as
 * `Authorization: Bearer <key>` or Basic auth with the key as password; reads stay open. In the
 * all-in-one app the registry is guarded by `ApiModule` instead (its admin keys in Postgres).
 */
export function registryWriteKeyProviders(adminKeys: readonly string[]): Provider[] {
  return [
    { provide: ApiKeyVerifier, useValue: new StaticApiKeyVerifier(adminKeys) },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ];
}
