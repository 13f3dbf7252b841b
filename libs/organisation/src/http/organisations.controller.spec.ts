import type { ServerResponse } from 'node:http';
import type { ProblemException } from '@stafett/api';
import type { OrganisationTree } from '@stafett/entity-pipeline';
import type { OrganisationDto } from './dtos/organisation.dto';
import type { OrganisationWriteService } from './organisation-write.service';
import { OrganisationsController } from './organisations.controller';
import type { OrganisationQueryService } from './queries/organisation-query.service';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DISTRICT = id(1);
const CLUB_A = id(2);
const SECTION_A = id(3);
const CLUB_B = id(4);

/** The subtrees of the fake tree: a district with two clubs, club A with a section. */
const below: Record<string, string[]> = { [DISTRICT]: [CLUB_A, CLUB_B], [CLUB_A]: [SECTION_A] };
const subtree = (root: string): string[] => [root, ...(below[root] ?? []).flatMap(subtree)];

const organisation = (oid: string, parentId: string | null): OrganisationDto => ({
  id: oid,
  type: 'CLUB',
  name: oid,
  organisationNumber: null,
  parentId,
  municipalityCode: null,
  sports: [],
  email: null,
  phone: null,
  address: null,
  status: 'ACTIVE',
  externalIds: [],
  federations: [],
  version: 1,
});
const register = new Map([organisation(DISTRICT, null), organisation(CLUB_A, DISTRICT), organisation(SECTION_A, CLUB_A), organisation(CLUB_B, DISTRICT)].map((o) => [o.id, o]));

describe(OrganisationsController.name, () => {
  const written: string[] = [];
  const listed: unknown[] = [];
  const tree = {
    subtree: async (root: string) => subtree(root),
    containsAny: async (root: string, ids: readonly string[]) => ids.some((i) => subtree(root).includes(i)),
  } as unknown as OrganisationTree;
  const queries = {
    get: async (oid: string) => register.get(oid),
    list: async (filter: unknown) => {
      listed.push(filter);
      return { items: [], nextCursor: null };
    },
  } as unknown as OrganisationQueryService;
  const writes = {
    create: async () => {
      written.push('create');
      return organisation(id(9), CLUB_A);
    },
    update: async (oid: string) => {
      written.push(`update ${oid}`);
      return register.get(oid)!;
    },
    delete: async (oid: string) => void written.push(`delete ${oid}`),
  } as unknown as OrganisationWriteService;
  const sut = new OrganisationsController(writes, queries, tree);
  const res = { setHeader: () => res } as unknown as Pick<ServerResponse, 'setHeader'>;
  const status = async (call: Promise<unknown>) => {
    try {
      await call;
      return 200;
    } catch (e) {
      return (e as ProblemException).getStatus();
    }
  };

  beforeEach(() => {
    written.length = 0;
    listed.length = 0;
  });

  it('should show a club-scoped key its club and what is below it, and 404 for the rest', async () => {
    expect(await status(sut.get(CLUB_A, CLUB_A, res))).toBe(200);
    expect(await status(sut.get(SECTION_A, CLUB_A, res))).toBe(200);
    expect(await status(sut.get(CLUB_B, CLUB_A, res))).toBe(404);
    expect(await status(sut.get(DISTRICT, CLUB_A, res))).toBe(404);
    expect(await status(sut.get(CLUB_B, null, res))).toBe(200);
  });

  it('should refuse PATCH and DELETE outside the subtree with 404, writing nothing', async () => {
    expect(await status(sut.update(CLUB_B, '"1"', { name: 'x' }, CLUB_A, 'k', undefined, res))).toBe(404);
    expect(await status(sut.remove(CLUB_B, undefined, CLUB_A, 'k', undefined))).toBe(404);
    expect(written).toEqual([]);
  });

  it('should refuse a move or a create outside the subtree with 404, and allow one inside', async () => {
    expect(await status(sut.update(SECTION_A, '"1"', { parentId: CLUB_B }, CLUB_A, 'k', undefined, res))).toBe(404);
    expect(await status(sut.update(SECTION_A, '"1"', { parentId: null }, CLUB_A, 'k', undefined, res))).toBe(404);
    expect(await status(sut.create({ type: 'SECTION', name: 'x', parentId: CLUB_B }, CLUB_A, 'k', undefined, res))).toBe(404);
    expect(await status(sut.create({ type: 'CLUB', name: 'x' }, CLUB_A, 'k', undefined, res))).toBe(404);
    expect(written).toEqual([]);
    expect(await status(sut.create({ type: 'SECTION', name: 'x', parentId: CLUB_A }, CLUB_A, 'k', undefined, res))).toBe(200);
    expect(written).toEqual(['create']);
  });

  it("should filter a scoped key's list to its subtree, and leave a global key's alone", async () => {
    await sut.list({}, CLUB_A);
    await sut.list({}, null);
    expect(listed).toEqual([expect.objectContaining({ within: [CLUB_A, SECTION_A] }), expect.objectContaining({ within: undefined })]);
  });
});
