import { createHash } from 'node:crypto';
import type { Reference } from '@stafett/contracts';
import { parsePersonalIdentityNumber } from '@stafett/domain';

/**
 * The keys under which a reference is looked up and a parked record waits: `id:<entity>:<uuid>`,
 * `link:<entity>:<system>␟<externalId>`, `key:<entity>:<sha256 of the natural key>`. A natural key
 * (a personnummer) is kept only as its SHA-256 here, never in clear.
 */
export const idKey = (entity: string, id: string): string => `id:${entity}:${id.toLowerCase()}`;
export const linkRefKey = (entity: string, system: string, externalId: string): string => `link:${entity}:${system}\u001f${externalId}`;
export const naturalRefKey = (entity: string, naturalKey: string): string => `key:${entity}:${hashNaturalKey(naturalKey)}`;

export function hashNaturalKey(naturalKey: string): string {
  return createHash('sha256').update(naturalKey, 'utf8').digest('hex');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The natural key a reference to a foreign entity names (persons: the normalized personnummer). */
export function foreignNaturalKeyOf(entity: string, ref: Reference): string | undefined {
  if (entity !== 'person' || ref.personalIdentityNumber == null) return undefined;
  const parsed = parsePersonalIdentityNumber(ref.personalIdentityNumber);
  return parsed.ok ? parsed.value.normalized : undefined;
}

/** The key a reference is resolved by (id first, then link, then natural key); undefined when it names nothing usable. */
export function referenceKey(entity: string, ref: Reference, naturalKey: (ref: Reference) => string | undefined): string | undefined {
  if (ref.id) return UUID.test(ref.id) ? idKey(entity, ref.id) : undefined;
  if (ref.system && ref.externalId) return linkRefKey(entity, ref.system, ref.externalId);
  const key = naturalKey(ref);
  return key ? naturalRefKey(entity, key) : undefined;
}

export const isUuid = (s: string): boolean => UUID.test(s);
