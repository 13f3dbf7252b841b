/**
 * The hierarchy queries on a register of Swedish size (70 federations, 700 districts, 21,000 clubs
 * and as many sections), in a database of their own: each reads by index, none scans a table.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { SqlExecutor } from '@stafett/outbox';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { SUBTREE_CTE } from '../http/queries/organisation-query.service';
import { ORGANISATION_ENTITIES } from './organisation-entities';
import { ORGANISATION_MIGRATIONS } from './organisation-migrations';
import { OrganisationRepository } from './organisation.repository';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const scans = (node: PlanNode): string[] => [...(node['Node Type'] === 'Seq Scan' ? [node['Relation Name'] ?? '?'] : []), ...(node.Plans ?? []).flatMap(scans)];

describe('organisation query plans', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('organisation_plans').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  const client = new Client({ connectionString: databaseUrl });
  const repository = new OrganisationRepository();
  let ids: { federation: string; club: string; section: string };

  /** Runs what the repository sends, EXPLAINed: the plans of its statements instead of their rows. */
  const plans: PlanNode[] = [];
  const explaining: SqlExecutor = {
    query: async (sql: string, params?: unknown[]) => {
      const result = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      plans.push(result.rows[0]['QUERY PLAN'][0].Plan);
      return [];
    },
  };

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    const dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl, entities: ORGANISATION_ENTITIES, migrations: ORGANISATION_MIGRATIONS }), logging: ['error'] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    await client.connect();
    await client.query(`
      INSERT INTO organisation.organisation (id, type, name, status, version) VALUES ('00000000-0000-4000-8000-000000000001', 'CONFEDERATION', 'RF', 'ACTIVE', 1);
      INSERT INTO organisation.organisation (id, type, name, parent_id, status, version)
        SELECT gen_random_uuid(), 'FEDERATION', 'Förbund ' || g, '00000000-0000-4000-8000-000000000001', 'ACTIVE', 1 FROM generate_series(1, 70) g;
      INSERT INTO organisation.organisation (id, type, name, parent_id, status, version)
        SELECT gen_random_uuid(), 'DISTRICT', 'Distrikt ' || g, f.id, 'ACTIVE', 1 FROM organisation.organisation f, generate_series(1, 10) g WHERE f.type = 'FEDERATION';
      INSERT INTO organisation.organisation (id, type, name, parent_id, status, version)
        SELECT gen_random_uuid(), 'CLUB', 'Klubb ' || g, d.id, 'ACTIVE', 1 FROM organisation.organisation d, generate_series(1, 30) g WHERE d.type = 'DISTRICT';
      INSERT INTO organisation.organisation (id, type, name, parent_id, status, version)
        SELECT gen_random_uuid(), 'SECTION', 'Sektion', c.id, 'ACTIVE', 1 FROM organisation.organisation c WHERE c.type = 'CLUB';
      INSERT INTO organisation.federation (organisation_id, position, federation_id, sport)
        SELECT c.id, 0, d.parent_id, 'Fotboll' FROM organisation.organisation c JOIN organisation.organisation d ON d.id = c.parent_id WHERE c.type = 'CLUB';
      INSERT INTO organisation.external_id (system, external_id, entity_id, position)
        SELECT 'idrottsonline', 'org-' || row_number() OVER (), id, 0 FROM organisation.organisation;
      ANALYZE organisation.organisation;
      ANALYZE organisation.federation;
      ANALYZE organisation.external_id;
    `);
    const pick = async (type: string) => (await client.query<{ id: string }>('SELECT id FROM organisation.organisation WHERE type = $1 LIMIT 1', [type])).rows[0].id;
    ids = { federation: await pick('FEDERATION'), club: await pick('CLUB'), section: await pick('SECTION') };
  }, 120_000);

  afterAll(async () => {
    await client.end();
    await dropDatabase(databaseUrl);
  });

  it('should walk up the ancestry by primary key', async () => {
    plans.length = 0;
    await repository.ancestry(explaining, { ids: [ids.section], links: [{ system: 'idrottsonline', externalId: 'x' }], organisationNumbers: ['8020001650'] });
    expect(plans.flatMap(scans)).toEqual([]);
  });

  it('should find the organisations below a target by index (children and member clubs)', async () => {
    plans.length = 0;
    await repository.dependents(explaining, { ids: [ids.federation, ids.club], links: [], organisationNumbers: [] });
    expect(plans.flatMap(scans)).toEqual([]);
  });

  it('should page a federation subtree by index probes per level', async () => {
    const result = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${SUBTREE_CTE} SELECT id FROM sub ORDER BY id LIMIT 51`, [ids.federation]);
    expect(scans(result.rows[0]['QUERY PLAN'][0].Plan)).toEqual([]);
  });
});
