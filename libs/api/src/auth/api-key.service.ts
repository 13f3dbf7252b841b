import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { ApiKeyEntity } from '../database/api-key.entity';
import { generateApiKey, hashApiKey } from './api-key';

/** The name of the bootstrap key (STAFETT_ADMIN_API_KEY, or the generated development key). */
export const ADMIN_KEY_NAME = 'admin';

/** Who a valid key belongs to. */
export interface ApiPrincipal {
  readonly keyId: string;
  readonly name: string;
}

const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * API keys: verification (hits cached for a minute, so a revocation takes up to a minute to bite),
 * creation, and the bootstrap admin key at startup. Only SHA-256 hashes reach the database.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly cache = new Map<string, { principal: ApiPrincipal; until: number }>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(STAFETT_CONFIG) private readonly config: StafettConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureBootstrapKey(this.config.adminApiKey);
  }

  /** The principal of a key that exists and is not revoked; undefined otherwise. */
  async verify(plainKey: string): Promise<ApiPrincipal | undefined> {
    if (plainKey.length === 0 || plainKey.length > 512) return undefined;
    const hash = hashApiKey(plainKey);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    this.cache.delete(hash);
    const row = await this.keys.findOne({ select: { id: true, name: true }, where: { keyHash: hash, revokedAt: IsNull() } });
    if (!row) return undefined;
    const principal = { keyId: row.id, name: row.name };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    return principal;
  }

  /** Creates a key for `name` and returns it: the only time the key itself is seen. */
  async create(name: string): Promise<{ id: string; name: string; key: string }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw new RangeError('An API key needs a name of 1 to 200 characters');
    const key = generateApiKey();
    const id = randomUUID();
    await this.keys.insert({ id, name: trimmed, keyHash: hashApiKey(key), revokedAt: null });
    return { id, name: trimmed, key };
  }

  /**
   * The bootstrap admin key. Configured: its hash is stored under `admin` (idempotent) and any
   * other admin key is revoked, so changing STAFETT_ADMIN_API_KEY rotates it. Not configured: when
   * no admin key exists yet, one is generated, stored and printed once to stderr; otherwise
   * nothing happens. Serialized across processes with an advisory lock.
   */
  async ensureBootstrapKey(configured: string | undefined): Promise<void> {
    const generated = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('stafett.auth.bootstrap-key'))`);
      if (configured !== undefined) {
        const hash = hashApiKey(configured);
        await m
          .createQueryBuilder()
          .update(ApiKeyEntity)
          .set({ revokedAt: () => 'now()' })
          .where('name = :name AND revoked_at IS NULL AND key_hash <> :hash', { name: ADMIN_KEY_NAME, hash })
          .execute();
        await m
          .createQueryBuilder()
          .insert()
          .into(ApiKeyEntity)
          .values({ id: randomUUID(), name: ADMIN_KEY_NAME, keyHash: hash, revokedAt: null })
          .orUpdate(['name', 'revoked_at'], ['key_hash'])
          .execute();
        return undefined;
      }
      const active = await m.count(ApiKeyEntity, { where: { name: ADMIN_KEY_NAME, revokedAt: IsNull() } });
      if (active > 0) return undefined;
      const key = generateApiKey();
      await m.insert(ApiKeyEntity, { id: randomUUID(), name: ADMIN_KEY_NAME, keyHash: hashApiKey(key), revokedAt: null });
      return key;
    });
    this.cache.clear();
    if (generated) process.stderr.write(`stafett: generated development admin API key: ${generated}; set STAFETT_ADMIN_API_KEY to choose your own\n`);
  }
}
