/** Review: ReferenceProjection against the real Postgres (no Kafka). */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { referenceTablesSql } from '../database/pipeline-tables';
import { ReferenceProjection } from './reference-projection';
import { idKey, linkRefKey } from './reference-keys';

describe('ReferenceProjection (review)', () => {
  const schema = uniqueId('refproj').replace(/-/g, '_');
  const pool = new Pool({ connectionString: testDatabaseUrl() });
  const projection = new ReferenceProjection(schema);

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    for (const sql of referenceTablesSql(schema)) await pool.query(sql);
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });

  const org = (id: string, externalId: string) => ({
    id,
    type: 'CLUB',
    name: 'Club',
    parentId: null,
    status: 'ACTIVE',
    sports: [],
    externalIds: [{ system: 'register', id: externalId }],
  });

  it('refs.known(entity, id) answers for an entity the batch resolved by (system, externalId)', async () => {
    const id = randomUUID();
    await projection.apply(pool, 'organisation', [{ id, version: 1, state: org(id, 'club-1') }]);
    const found = await projection.lookup(pool, [{ entity: 'organisation', ref: { id: null, system: 'register', externalId: 'club-1', personalIdentityNumber: null } }]);
    // BatchView.resolver.foreign() finds it by its link key ...
    expect(found.get(linkRefKey('organisation', 'register', 'club-1'))?.id).toBe(id);
    // ... and BatchView.resolver.known(entity, id) reads this.known.get(idKey(entity, id)):
    expect(found.get(idKey('organisation', id))).toMatchObject({ id, type: 'CLUB' });
  });

  it('a redelivered older state after a tombstone does not bring the entity back', async () => {
    const id = randomUUID();
    await projection.apply(pool, 'organisation', [{ id, version: 1, state: org(id, 'club-2') }]);
    await projection.apply(pool, 'organisation', [{ id, version: 2, state: null }]);
    // The relay is at-least-once: version 1 comes again (in a later consumer batch) after the tombstone.
    const again = await projection.apply(pool, 'organisation', [{ id, version: 1, state: org(id, 'club-2') }]);
    expect(again.upserted).toEqual([]);
    const found = await projection.lookup(pool, [{ entity: 'organisation', ref: { id, system: null, externalId: null, personalIdentityNumber: null } }]);
    expect(found.size).toBe(0);
  });
});
