import type { ApiRole } from './api-role';

/** Who a valid key belongs to, and what it may do. */
export interface ApiPrincipal {
  readonly keyId: string;
  readonly name: string;
  readonly roles: readonly ApiRole[];
  /** The organisation subtree the key is bound to (it sees and changes only that); absent or null: global. */
  readonly organisationId?: string | null;
}

/**
 * Checks a presented key. `ApiKeyService` (keys in Postgres) in every app serving `/v1`;
 * `StaticApiKeyVerifier` where there is no key table (the schema registry running alone).
 */
export abstract class ApiKeyVerifier {
  /** The principal of a key that exists, is not revoked and has not expired; undefined otherwise. */
  abstract verify(plainKey: string): Promise<ApiPrincipal | undefined>;
}

/** A fixed set of admin keys (the standalone registry: `STAFETT_ADMIN_API_KEY`, or the test harness's key). */
export class StaticApiKeyVerifier extends ApiKeyVerifier {
  constructor(private readonly adminKeys: readonly string[]) {
    super();
  }

  async verify(plainKey: string): Promise<ApiPrincipal | undefined> {
    const index = this.adminKeys.findIndex((k) => constantTimeEquals(k, plainKey));
    return index < 0 ? undefined : { keyId: `static-${index}`, name: 'admin', roles: ['admin'] };
  }
}

function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
