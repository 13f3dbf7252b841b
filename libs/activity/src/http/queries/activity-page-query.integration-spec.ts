/**
 * The plans of the activity lists on a register of realistic shape (100,000 activities of 2,000
 * organisations over two seasons, 300,000 participants): a club's date range, a scoped key's
 * subtree, a group, and a person's activities (erasure) go through their indexes, never a scan.
 */
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { ACTIVITY_ENTITIES } from '../../database/activity-entities';
import { ACTIVITY_MIGRATIONS } from '../../database/activity-migrations';
import { activityPageQuery, type ActivityFilter } from './activity-query.service';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe(activityPageQuery.name, () => {
  // Its own database: the statistics are this register's alone.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('activity_plan').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;
  let organisations: string[];

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({
      ...stafettDataSourceOptions({ databaseUrl, entities: ACTIVITY_ENTITIES, migrations: ACTIVITY_MIGRATIONS }),
      logging: ['error'],
      migrationsRun: true,
    });
    await dataSource.initialize();
    organisations = (await dataSource.query<{ id: string }[]>(`SELECT gen_random_uuid() AS id FROM generate_series(1, 2000)`)).map((r) => r.id);
    // Activity g: organisation g % 2000, group g % 4000 (two per organisation), a start every ~10 minutes over two years.
    await dataSource.query(
      `INSERT INTO activity.activity (id, organisation_id, group_id, type, title, starts_at, ends_at, status, version)
       SELECT gen_random_uuid(), ($1::uuid[])[1 + g % 2000], md5('group' || (g % 4000))::uuid, 'TRAINING', 'Träning', t, t + interval '90 minutes', 'PLANNED', 1
         FROM generate_series(1, 100000) g, LATERAL (SELECT TIMESTAMPTZ '2025-08-01 00:00Z' + g * interval '10 minutes') s(t)`,
      [organisations],
    );
    await dataSource.query(
      `INSERT INTO activity.participant (activity_id, position, person_id, role, attended)
       SELECT a.id, p, md5('person' || ((row_number() OVER (ORDER BY a.id)) * 3 + p) % 20000)::uuid, 'PARTICIPANT', false FROM activity.activity a, generate_series(0, 2) p`,
    );
    await dataSource.query(`ANALYZE activity.activity`);
    await dataSource.query(`ANALYZE activity.participant`);
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(databaseUrl);
  });

  const explain = async (sql: string, parameters: unknown[]): Promise<PlanNode[]> => {
    const [
      {
        'QUERY PLAN': [explained],
      },
    ] = await dataSource.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
    return nodes(explained.Plan);
  };
  const planOf = (filter: ActivityFilter) => explain(...activityPageQuery(dataSource.manager, filter, 50).getQueryAndParameters());
  const scans = (plan: PlanNode[]) => plan.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
  const indexes = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);

  it("should find a club's activities in a date range through ix_activity_organisation_starts_at", async () => {
    const plan = await planOf({ organisationId: organisations[7], from: '2026-01-01T00:00:00Z', to: '2026-07-01T00:00:00Z' });
    expect({ scans: scans(plan), indexes: indexes(plan) }).toEqual({ scans: [], indexes: ['ix_activity_organisation_starts_at'] });
  });

  it("should find a scoped key's subtree of three clubs by index, scanning nothing", async () => {
    const plan = await planOf({ withinOrganisations: organisations.slice(0, 3), from: '2026-01-01T00:00:00Z' });
    expect(scans(plan)).toEqual([]);
    expect(indexes(plan)).toContain('ix_activity_organisation_starts_at');
  });

  it("should find a group's activities through ix_activity_group_starts_at", async () => {
    const [{ group_id: group }] = await dataSource.query<{ group_id: string }[]>(`SELECT group_id FROM activity.activity LIMIT 1`);
    const plan = await planOf({ groupId: group });
    expect({ scans: scans(plan), indexes: indexes(plan) }).toEqual({ scans: [], indexes: ['ix_activity_group_starts_at'] });
  });

  it("should find an erased person's activities through ix_participant_person", async () => {
    const plan = await explain('SELECT DISTINCT activity_id FROM activity.participant WHERE person_id = ANY($1::uuid[])', [[organisations[0]]]);
    expect({ scans: scans(plan), indexes: indexes(plan) }).toEqual({ scans: [], indexes: ['ix_participant_person'] });
  });

  it('should page a subtree in startsAt order exactly as SQL says', async () => {
    const within = organisations.slice(0, 3);
    const filter = { withinOrganisations: within, from: '2026-01-01T00:00:00Z', to: '2026-07-01T00:00:00Z' };
    const first = await activityPageQuery(dataSource.manager, filter, 10).getMany();
    const last = first[9];
    const [{ starts_at }] = await dataSource.query<{ starts_at: Date }[]>('SELECT starts_at FROM activity.activity WHERE id = $1', [last.id]);
    const second = await activityPageQuery(dataSource.manager, filter, 500, { s: starts_at.toISOString(), id: last.id }).getMany();
    const expected = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM activity.activity WHERE organisation_id = ANY($1) AND starts_at >= '2026-01-01Z' AND starts_at < '2026-07-01Z' ORDER BY starts_at, id`,
      [within],
    );
    expect(expected.length).toBeGreaterThan(20);
    expect([...first.slice(0, 10), ...second].map((a) => a.id)).toEqual(expected.map((r) => r.id));
  });
});
