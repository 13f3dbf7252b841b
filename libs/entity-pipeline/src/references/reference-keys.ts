import { createHmac } from 'node:crypto';
import type { Reference } from '@stafett/contracts';
import { parsePersonalIdentityNumber } from '@stafett/domain';

/**
 * The keys under which a reference is looked up and a parked record waits: `id:<entity>:<uuid>`,
 * `link:<entity>:<system>␟<externalId>`, `key:<entity>:<HMAC of the natural key>`. A natural key
 * (a personnummer) is kept only as its keyed hash here, never in clear.
 */
export const idKey = (entity: string, id: string): string => `id:${entity}:${id.toLowerCase()}`;
export const linkRefKey = (entity: string, system: string, externalId: string): string => `link:${entity}:${system}\u001f${externalId}`;
/** The key of a natural key whose keyed hash is already computed. */
export const naturalHashKey = (entity: string, hash: string): string => `key:${entity}:${hash}`;

/**
 * The keyed hashes of natural keys (a personnummer) in a service's projection and parking lot:
 * HMAC-SHA-256 under a secret outside the database, so a copy of the database cannot test a birth
 * year's numbers against them. A service hashes both sides itself; a new secret needs its
 * projection replayed (reset the projection consumer group and empty `known_entity`).
 */
export class ReferenceKeys {
  constructor(private readonly secret: Buffer) {}

  hash(naturalKey: string): string {
    return createHmac('sha256', this.secret).update(naturalKey, 'utf8').digest('hex');
  }

  natural(entity: string, naturalKey: string): string {
    return naturalHashKey(entity, this.hash(naturalKey));
  }

  /** The key a reference is resolved by (id first, then link, then natural key); undefined when it names nothing usable. */
  of(entity: string, ref: Reference, naturalKey: (ref: Reference) => string | undefined): string | undefined {
    if (ref.id) return UUID.test(ref.id) ? idKey(entity, ref.id) : undefined;
    if (ref.system && ref.externalId) return linkRefKey(entity, ref.system, ref.externalId);
    const key = naturalKey(ref);
    return key ? this.natural(entity, key) : undefined;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The natural key a reference to a foreign entity names (persons: the normalized personnummer). */
export function foreignNaturalKeyOf(entity: string, ref: Reference): string | undefined {
  if (entity !== 'person' || ref.personalIdentityNumber == null) return undefined;
  const parsed = parsePersonalIdentityNumber(ref.personalIdentityNumber);
  return parsed.ok ? parsed.value.normalized : undefined;
}

export const isUuid = (s: string): boolean => UUID.test(s);
