import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testConfig, testDatabaseUrl, uniqueId } from '@stafett/testing';
import { API_ENTITIES, API_MIGRATIONS } from '../database/api-database';
import { ApiKeyEntity } from '../database/api-key.entity';
import { ApiKeyInputError, ApiKeyService } from './api-key.service';

describe(ApiKeyService.name, () => {
  // Its own database: the bootstrap key depends on what the table already holds.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('auth_keys').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;
  let stderr: jest.SpyInstance;

  const newService = () => new ApiKeyService(dataSource.getRepository(ApiKeyEntity), dataSource, testConfig());
  const printed = () => stderr.mock.calls.map((c) => String(c[0])).filter((line) => line.startsWith('stafett: generated'));

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: API_ENTITIES, migrations: API_MIGRATIONS }), logging: ['error'], migrationsRun: true });
    await dataSource.initialize();
  });

  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => stderr.mockRestore());

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  it('should generate a development admin key at first boot, print it once, and accept it', async () => {
    await newService().ensureBootstrapKey(undefined);
    const lines = printed();
    expect(lines).toHaveLength(1);
    const [, key] = /generated development admin API key: (stf_[A-Za-z0-9_-]{43}); set STAFETT_ADMIN_API_KEY to choose your own\n$/.exec(lines[0])!;
    expect(await newService().verify(key)).toEqual({ keyId: expect.any(String), name: 'admin', roles: ['admin'], organisationId: null });
    const stored = await dataSource.query<{ key_hash: string }[]>(`SELECT key_hash FROM auth.api_key`);
    expect(stored.map((r) => r.key_hash)).not.toContain(key);
  });

  it('should print nothing at a later boot when an admin key exists', async () => {
    await newService().ensureBootstrapKey(undefined);
    expect(printed()).toEqual([]);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM auth.api_key WHERE name = 'admin'`)).toEqual([{ n: 1 }]);
  });

  it('should store a configured admin key once, and revoke the generated one', async () => {
    const configured = `stf_${uniqueId('configured-admin-key')}`;
    await newService().ensureBootstrapKey(configured);
    await newService().ensureBootstrapKey(configured);
    expect(printed()).toEqual([]);
    expect(await newService().verify(configured)).toMatchObject({ name: 'admin' });
    const rows = await dataSource.query<{ active: boolean }[]>(`SELECT revoked_at IS NULL AS active FROM auth.api_key WHERE name = 'admin' ORDER BY created_at`);
    expect(rows).toEqual([{ active: false }, { active: true }]);
  });

  const inADay = () => new Date(Date.now() + 86_400_000);

  it('should return a created key once and know it by its name and roles', async () => {
    const service = newService();
    const created = await service.create({ name: 'club-system', roles: ['import'], expiresAt: inADay() });
    expect(created.key).toMatch(/^stf_/);
    expect(await service.verify(created.key)).toEqual({ keyId: created.id, name: 'club-system', roles: ['import'], organisationId: null });
    expect(await service.verify(`${created.key}x`)).toBeUndefined();
  });

  it('should refuse a revoked key', async () => {
    const created = await newService().create({ name: 'revoked-system', roles: ['read'], expiresAt: inADay() });
    await dataSource.query(`UPDATE auth.api_key SET revoked_at = now() WHERE id = $1`, [created.id]);
    expect(await newService().verify(created.key)).toBeUndefined();
  });

  it('should refuse an expired key, also one it verified before', async () => {
    const service = newService();
    const created = await service.create({ name: 'short-lived', roles: ['read'], expiresAt: new Date(Date.now() + 300) });
    expect(await service.verify(created.key)).toMatchObject({ name: 'short-lived' });
    await new Promise((r) => setTimeout(r, 400));
    expect(await service.verify(created.key)).toBeUndefined();
  });

  it('should keep only the hash and a hint of a created key', async () => {
    const created = await newService().create({ name: 'hinted', roles: ['read'], expiresAt: inADay() });
    const [row] = await dataSource.query<{ key_hash: string; key_hint: string }[]>(`SELECT key_hash, key_hint FROM auth.api_key WHERE id = $1`, [created.id]);
    expect(row).toEqual({ key_hash: expect.not.stringContaining(created.key), key_hint: `stf_…${created.key.slice(-4)}` });
  });

  describe('organisation-scoped keys', () => {
    const club = '5d4c1a8e-0b7e-4c3a-9f1e-2b6d8c0a1f11';

    it('should bind a key to an organisation: stored, shown in its view, and in the principal, also when cached', async () => {
      const service = newService();
      const created = await service.create({ name: 'club-sync', roles: ['read', 'import'], expiresAt: inADay(), organisationId: club.toUpperCase() });
      expect(created).toMatchObject({ id: expect.any(String), roles: ['read', 'import'], organisationId: club });
      expect(await dataSource.query(`SELECT organisation_id FROM auth.api_key WHERE id = $1`, [created.id])).toEqual([{ organisation_id: club }]);
      const principal = { keyId: created.id, name: 'club-sync', roles: ['read', 'import'], organisationId: club };
      expect(await service.verify(created.key)).toEqual(principal);
      // From the cache now: the same binding.
      await dataSource.query(`UPDATE auth.api_key SET organisation_id = NULL WHERE id = $1`, [created.id]);
      expect(await service.verify(created.key)).toEqual(principal);
      // A fresh process reads the row again.
      await dataSource.query(`UPDATE auth.api_key SET organisation_id = $2 WHERE id = $1`, [created.id, club]);
      expect(await newService().verify(created.key)).toEqual(principal);
      expect((await service.list()).find((k) => k.id === created.id)).toMatchObject({ organisationId: club });
      expect(await service.get(created.id)).toMatchObject({ id: created.id, organisationId: club });
    });

    it('should make a key without an organisation global', async () => {
      const created = await newService().create({ name: 'national-sync', roles: ['read'], expiresAt: inADay() });
      expect(created.organisationId).toBeNull();
      expect(await newService().verify(created.key)).toMatchObject({ organisationId: null });
    });

    it('should refuse to bind an admin key, naming organisationId, and store nothing', async () => {
      const before = await dataSource.query(`SELECT count(*)::int AS n FROM auth.api_key`);
      const creating = newService().create({ name: 'scoped-admin', roles: ['read', 'admin'], expiresAt: inADay(), organisationId: club });
      await expect(creating).rejects.toThrow(ApiKeyInputError);
      await expect(creating).rejects.toMatchObject({ field: 'organisationId', code: 'INVALID_COMBINATION' });
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM auth.api_key`)).toEqual(before);
    });

    it('should treat an admin key as global even if its row names an organisation', async () => {
      const created = await newService().create({ name: 'promoted', roles: ['read'], expiresAt: inADay(), organisationId: club });
      await dataSource.query(`UPDATE auth.api_key SET roles = '{admin}' WHERE id = $1`, [created.id]);
      expect(await newService().verify(created.key)).toEqual({ keyId: created.id, name: 'promoted', roles: ['admin'], organisationId: null });
    });

    it('should keep the bootstrap admin key global', async () => {
      const configured = `stf_${uniqueId('bootstrap-global')}`;
      await newService().ensureBootstrapKey(configured);
      expect(await dataSource.query(`SELECT organisation_id FROM auth.api_key WHERE name = 'admin' AND revoked_at IS NULL`)).toEqual([{ organisation_id: null }]);
    });
  });
});
