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

  describe('states of an entity without tree edges (one statement per batch)', () => {
    const person = (id: string, links: readonly string[]) => ({
      id,
      firstName: 'Bo',
      lastName: 'B',
      birthDate: '1990-01-01',
      sex: 'MALE',
      personalIdentityNumber: null,
      status: 'ACTIVE',
      memberships: [],
      guardians: [],
      disability: false,
      externalIds: links.map((l) => ({ system: 'club-file', id: l })),
    });
    const byLink = async (link: string) =>
      (await projection.lookup(pool, [{ entity: 'person', ref: { id: null, system: 'club-file', externalId: link, personalIdentityNumber: null } }])).get(
        linkRefKey('person', 'club-file', link),
      );
    const link = () => `m-${randomUUID()}`;

    it('should replace the links of a changed state: a dropped one no longer resolves, a new one does', async () => {
      const id = randomUUID();
      const [a, b, c] = [link(), link(), link()];
      await projection.apply(pool, 'person', [{ id, version: 1, state: person(id, [a, b]) }]);
      const second = await projection.apply(pool, 'person', [{ id, version: 2, state: person(id, [b, c]) }]);
      expect(second.upserted).toEqual([id]);
      expect(second.keys).toEqual(expect.arrayContaining([idKey('person', id), linkRefKey('person', 'club-file', c)]));
      expect(await byLink(a)).toBeUndefined();
      expect((await byLink(b))?.id).toBe(id);
      expect((await byLink(c))?.id).toBe(id);
    });

    it('should change nothing for a version not newer than the one kept, and report nothing applied', async () => {
      const id = randomUUID();
      const [a, b] = [link(), link()];
      await projection.apply(pool, 'person', [{ id, version: 3, state: person(id, [a]) }]);
      const stale = await projection.apply(pool, 'person', [{ id, version: 3, state: person(id, [b]) }]);
      expect(stale).toEqual({ upserted: [], removed: [], keys: [] });
      expect((await byLink(a))?.id).toBe(id);
      expect(await byLink(b)).toBeUndefined();
    });

    it('should move a link from one person to another within one batch, and keep the newest state of an id twice in it', async () => {
      const [p1, p2] = [randomUUID(), randomUUID()];
      const [shared, own] = [link(), link()];
      await projection.apply(pool, 'person', [{ id: p1, version: 1, state: person(p1, [shared, own]) }]);
      const moved = await projection.apply(pool, 'person', [
        { id: p1, version: 2, state: person(p1, [shared]) },
        { id: p1, version: 3, state: person(p1, [own]) },
        { id: p2, version: 1, state: person(p2, [shared]) },
      ]);
      expect([...moved.upserted].sort()).toEqual([p1, p2].sort());
      expect((await byLink(shared))?.id).toBe(p2);
      expect((await byLink(own))?.id).toBe(p1);
    });

    it('should bring a person back with a state newer than its tombstone', async () => {
      const id = randomUUID();
      const a = link();
      await projection.apply(pool, 'person', [{ id, version: 1, state: person(id, [a]) }]);
      await projection.apply(pool, 'person', [{ id, version: 2, state: null }]);
      expect(await byLink(a)).toBeUndefined();
      const back = await projection.apply(pool, 'person', [{ id, version: 3, state: person(id, [a]) }]);
      expect(back.upserted).toEqual([id]);
      expect((await byLink(a))?.id).toBe(id);
    });
  });
});
