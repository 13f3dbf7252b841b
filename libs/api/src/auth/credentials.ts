/** What the `Authorization` header of a request holds. */
export type Credential = { readonly kind: 'missing' } | { readonly kind: 'malformed' } | { readonly kind: 'key'; readonly key: string };

/**
 * `Bearer <key>` (RFC 6750), or `Basic base64(<user>:<key>)` with the key as the password, as
 * Confluent's schema registry clients send `basic.auth.user.info` (the user name is ignored).
 */
export function credentialOf(header: string | undefined): Credential {
  if (header === undefined || header === '') return { kind: 'missing' };
  const bearer = /^Bearer[ ]+(\S{1,512})[ ]*$/i.exec(header);
  if (bearer) return { kind: 'key', key: bearer[1] };
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]{1,1024})[ ]*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const key = colon < 0 ? '' : decoded.slice(colon + 1);
    if (key.length > 0) return { kind: 'key', key };
  }
  return { kind: 'malformed' };
}
