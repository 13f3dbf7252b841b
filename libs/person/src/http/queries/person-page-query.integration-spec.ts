/**
 * The plan of the person list of an organisation-scoped key on a register of realistic shape
 * (100,000 persons, one membership each, in 2,000 organisations): the subtree's persons are found
 * through `ix_membership_organisation`, never by scanning the persons or the memberships.
 */
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { PERSON_ENTITIES } from '../../database/person-entities';
import { PERSON_MIGRATIONS } from '../../database/person-migrations';
import { personPageQuery } from './person-query.service';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe(personPageQuery.name, () => {
  // Its own database: the statistics are this register's alone.
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('person_plan').replace(/-/g, '_')}`;
  const databaseUrl = url.toString();
  let dataSource: DataSource;
  let organisations: string[];

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    dataSource = new DataSource({
      ...stafettDataSourceOptions({ databaseUrl, entities: PERSON_ENTITIES, migrations: PERSON_MIGRATIONS }),
      logging: ['error'],
      migrationsRun: true,
    });
    await dataSource.initialize();
    organisations = (await dataSource.query<{ id: string }[]>(`SELECT gen_random_uuid() AS id FROM generate_series(1, 2000)`)).map((r) => r.id);
    await dataSource.query(
      `INSERT INTO person.person (id, first_name, last_name, birth_date, sex, status, version)
       SELECT gen_random_uuid(), 'Anna', 'Berg' || g, DATE '2000-01-01' + (g % 3000), 'FEMALE', 'ACTIVE', 1 FROM generate_series(1, 100000) g`,
    );
    await dataSource.query(
      `INSERT INTO person.membership (person_id, position, organisation_id, valid_from)
       SELECT p.id, 0, ($1::uuid[])[1 + (row_number() OVER (ORDER BY p.id)) % 2000], DATE '2024-01-01' FROM person.person p`,
      [organisations],
    );
    await dataSource.query(`ANALYZE person.person`);
    await dataSource.query(`ANALYZE person.membership`);
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(databaseUrl);
  });

  const plan = async (within: string[] | { name: string }): Promise<PlanNode[]> => {
    const filter = Array.isArray(within) ? { withinOrganisations: within } : within;
    const [sql, parameters] = personPageQuery(dataSource.manager, filter, 50).getQueryAndParameters();
    const [
      {
        'QUERY PLAN': [explained],
      },
    ] = await dataSource.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
    return nodes(explained.Plan);
  };

  it("should find a club's persons through ix_membership_organisation, scanning nothing", async () => {
    const all = await plan(organisations.slice(0, 3));
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])).toEqual([]);
    expect(all.map((n) => n['Index Name'])).toContain('ix_membership_organisation');
  });

  it('should list exactly the persons with a membership in the subtree', async () => {
    const within = organisations.slice(0, 3);
    const ids = (await personPageQuery(dataSource.manager, { withinOrganisations: within }, 500).getMany()).map((p) => p.id);
    const expected = await dataSource.query<{ id: string }[]>(`SELECT DISTINCT person_id AS id FROM person.membership WHERE organisation_id = ANY($1) ORDER BY 1`, [within]);
    expect(ids).toEqual(expected.map((r) => r.id));
  });

  it('should find persons by a prefix of the first or the last name through the two name indexes, scanning nothing', async () => {
    // 'berg1234' is the last name of 11 persons of 100,000 ('Berg1234', 'Berg12340'…'Berg12349'); nobody's first name.
    const all = await plan({ name: 'berg1234' });
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])).toEqual([]);
    expect(all.map((n) => n['Index Name'])).toEqual(expect.arrayContaining(['ix_person_first_name_prefix', 'ix_person_last_name_prefix']));
    const found = await personPageQuery(dataSource.manager, { name: 'BERG1234' }, 50).getMany();
    const expected = await dataSource.query<{ id: string }[]>(`SELECT id FROM person.person WHERE last_name LIKE 'Berg1234%' ORDER BY id`);
    expect(found.map((p) => p.id)).toEqual(expected.map((r) => r.id));
    expect(found).toHaveLength(11);
  });
});
