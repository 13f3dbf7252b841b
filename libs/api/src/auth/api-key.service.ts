import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { ReasonCode } from '@stafett/domain';
import { ApiKeyEntity } from '../database/api-key.entity';
import { generateApiKey, hashApiKey, keyHint } from './api-key';
import { ApiKeyVerifier, type ApiPrincipal } from './api-key-verifier';
import type { ApiRole } from './api-role';

export type { ApiPrincipal } from './api-key-verifier';

/** The name of the bootstrap key (STAFETT_ADMIN_API_KEY, or the generated development key). */
export const ADMIN_KEY_NAME = 'admin';

/** What is shown of a key after it was created: everything but the key. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly ApiRole[];
  /** The organisation subtree the key is bound to; null: global. */
  readonly organisationId: string | null;
  readonly keyHint: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface NewApiKey {
  readonly name: string;
  readonly roles: readonly ApiRole[];
  /** null: never expires. */
  readonly expiresAt: Date | null;
  /** Binds the key to this organisation's subtree; null or absent: a global key. An admin key cannot be bound. */
  readonly organisationId?: string | null;
}

/** A new key that cannot be made as asked: names the field and a reason code. */
export class ApiKeyInputError extends RangeError {
  constructor(
    readonly field: 'name' | 'roles' | 'organisationId',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;

const viewOf = (row: ApiKeyEntity): ApiKeyView => ({
  id: row.id,
  name: row.name,
  roles: row.roles,
  organisationId: row.organisationId,
  keyHint: row.keyHint,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

/**
 * API keys: verification (hits cached for 30 s; a revocation in this process bites at once, in
 * other processes within 30 s; an expiry bites on the instant), creation with roles and an expiry,
 * listing, revocation, and the bootstrap admin key at startup. Only SHA-256 hashes reach the database.
 */
@Injectable()
export class ApiKeyService extends ApiKeyVerifier implements OnApplicationBootstrap {
  private readonly cache = new Map<string, { principal: ApiPrincipal; until: number }>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(STAFETT_CONFIG) private readonly config: StafettConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureBootstrapKey(this.config.adminApiKey);
  }

  async verify(plainKey: string): Promise<ApiPrincipal | undefined> {
    if (plainKey.length === 0 || plainKey.length > 512) return undefined;
    const hash = hashApiKey(plainKey);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    this.cache.delete(hash);
    const row = await this.keys.findOne({ select: { id: true, name: true, roles: true, organisationId: true, expiresAt: true }, where: { keyHash: hash, revokedAt: IsNull() } });
    if (!row || (row.expiresAt !== null && row.expiresAt.getTime() <= now)) return undefined;
    // The binding never changes for a key (no update route), so a cached principal keeps it correctly; an admin key is never bound.
    const principal: ApiPrincipal = { keyId: row.id, name: row.name, roles: row.roles, organisationId: row.roles.includes('admin') ? null : row.organisationId };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { principal, until: Math.min(now + CACHE_MS, row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) });
    return principal;
  }

  /** Creates a key and returns it with its view: the only time the key itself is seen. */
  async create(input: NewApiKey): Promise<ApiKeyView & { key: string }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw new ApiKeyInputError('name', ReasonCode.INVALID_FORMAT, 'An API key needs a name of 1 to 200 characters');
    if (name === ADMIN_KEY_NAME) throw new ApiKeyInputError('name', ReasonCode.INVALID_FORMAT, `"${ADMIN_KEY_NAME}" is the bootstrap key's name; choose another`);
    if (input.roles.length === 0) throw new ApiKeyInputError('roles', ReasonCode.REQUIRED, 'An API key needs at least one role');
    const organisationId = input.organisationId?.toLowerCase() ?? null;
    if (organisationId !== null && input.roles.includes('admin')) {
      throw new ApiKeyInputError(
        'organisationId',
        ReasonCode.INVALID_COMBINATION,
        'An admin key is global: it cannot be bound to an organisation (leave out organisationId, or choose the roles read and import).',
      );
    }
    const key = generateApiKey();
    const id = randomUUID();
    await this.keys.insert({
      id,
      name,
      keyHash: hashApiKey(key),
      roles: [...new Set(input.roles)],
      organisationId,
      keyHint: keyHint(key),
      expiresAt: input.expiresAt,
      revokedAt: null,
    });
    const row = await this.keys.findOneOrFail({ where: { id } });
    return { ...viewOf(row), key };
  }

  /** One key (revoked ones too), undefined when there is none with this id. */
  async get(id: string): Promise<ApiKeyView | undefined> {
    const row = await this.keys.findOne({ where: { id } });
    return row ? viewOf(row) : undefined;
  }

  /** Every key, newest first (revoked ones too, with `revokedAt`). */
  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.find({ order: { createdAt: 'DESC', id: 'ASC' } })).map(viewOf);
  }

  /** Revokes a key; false when there is no such key or it was revoked already. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    this.cache.clear();
    return (result.affected ?? 0) > 0;
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
          .values({ id: randomUUID(), name: ADMIN_KEY_NAME, keyHash: hash, roles: ['admin'], organisationId: null, keyHint: keyHint(configured), expiresAt: null, revokedAt: null })
          .orUpdate(['name', 'roles', 'organisation_id', 'expires_at', 'revoked_at'], ['key_hash'])
          .execute();
        return undefined;
      }
      const active = await m.count(ApiKeyEntity, { where: { name: ADMIN_KEY_NAME, revokedAt: IsNull() } });
      if (active > 0) return undefined;
      const key = generateApiKey();
      await m.insert(ApiKeyEntity, {
        id: randomUUID(),
        name: ADMIN_KEY_NAME,
        keyHash: hashApiKey(key),
        roles: ['admin'],
        organisationId: null,
        keyHint: keyHint(key),
        expiresAt: null,
        revokedAt: null,
      });
      return key;
    });
    this.cache.clear();
    if (generated) process.stderr.write(`stafett: generated development admin API key: ${generated}; set STAFETT_ADMIN_API_KEY to choose your own\n`);
  }
}
