/** ReferenceProjection against the real Postgres (no Kafka). */
import { createHash, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { referenceTablesSql } from '../database/pipeline-tables';
import { ReferenceProjection } from './reference-projection';
import { idKey, linkRefKey, ReferenceKeys } from './reference-keys';

describe(ReferenceProjection.name, () => {
  const schema = uniqueId('refproj').replace(/-/g, '_');
  const pool = new Pool({ connectionString: testDatabaseUrl() });
  const projection = new ReferenceProjection(schema, new ReferenceKeys(Buffer.from('a test secret')));

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

  it('should answer refs.known(entity, id) for an entity the batch resolved by (system, externalId)', async () => {
    const id = randomUUID();
    await projection.apply(pool, 'organisation', [{ id, version: 1, state: org(id, 'club-1') }]);
    const found = await projection.lookup(pool, [{ entity: 'organisation', ref: { id: null, system: 'register', externalId: 'club-1', personalIdentityNumber: null } }]);
    // BatchView.resolver.foreign() finds it by its link key ...
    expect(found.get(linkRefKey('organisation', 'register', 'club-1'))?.id).toBe(id);
    // ... and BatchView.resolver.known(entity, id) reads this.known.get(idKey(entity, id)):
    expect(found.get(idKey('organisation', id))).toMatchObject({ id, type: 'CLUB' });
  });

  it('should not bring an entity back when an older state is redelivered after its tombstone', async () => {
    const id = randomUUID();
    await projection.apply(pool, 'organisation', [{ id, version: 1, state: org(id, 'club-2') }]);
    await projection.apply(pool, 'organisation', [{ id, version: 2, state: null }]);
    // The relay is at-least-once: version 1 comes again (in a later consumer batch) after the tombstone.
    const again = await projection.apply(pool, 'organisation', [{ id, version: 1, state: org(id, 'club-2') }]);
    expect(again.upserted).toEqual([]);
    const found = await projection.lookup(pool, [{ entity: 'organisation', ref: { id, system: null, externalId: null, personalIdentityNumber: null } }]);
    expect(found.size).toBe(0);
  });

  it('should find a person by personnummer while keeping only a keyed hash of it', async () => {
    const id = randomUUID();
    const pnr = '201405124007';
    const person = {
      id,
      firstName: 'Ada',
      lastName: 'A',
      birthDate: '2014-05-12',
      sex: 'FEMALE',
      personalIdentityNumber: pnr,
      status: 'ACTIVE',
      memberships: [],
      guardians: [],
      disability: false,
      externalIds: [],
    };
    await projection.apply(pool, 'person', [{ id, version: 1, state: person }]);
    const found = await projection.lookup(pool, [{ entity: 'person', ref: { id: null, system: null, externalId: null, personalIdentityNumber: pnr } }]);
    expect([...found.values()].map((k) => k.id)).toContain(id);
    const { rows } = await pool.query<{ natural_key: string }>(`SELECT natural_key FROM "${schema}".known_entity WHERE id = $1`, [id]);
    // Neither the number nor its plain SHA-256 (which a birth year's numbers could be tested against).
    expect(rows[0].natural_key).not.toContain(pnr);
    expect(rows[0].natural_key).not.toBe(createHash('sha256').update(pnr).digest('hex'));
  });
});
