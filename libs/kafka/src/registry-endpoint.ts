/** A registry URL split into what fetch may take and the credentials it may not (fetch refuses URLs with user info). */
export interface RegistryEndpoint {
  /** The URL without user info, without a trailing slash. */
  readonly baseUrl: string;
  /** `Basic …` when the URL carried `user:key@`, as Confluent clients send `basic.auth.user.info`. */
  readonly authorization: string | undefined;
}

/**
 * `SCHEMA_REGISTRY_URL` may carry credentials (`https://registry:<api key>@host/registry`), as
 * Confluent's `basic.auth.credentials.source=URL`: writes to a registry that needs an admin key
 * (Stafett's built-in one) then send it as Basic auth, the key as password.
 */
export function registryEndpoint(url: string): RegistryEndpoint {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const baseUrl = parsed.toString().replace(/\/+$/, '');
  if (user === '' && password === '') return { baseUrl, authorization: undefined };
  return { baseUrl, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
