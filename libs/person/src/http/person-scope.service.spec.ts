import type { PersonImportPayload } from '@stafett/contracts';
import type { OrganisationTree } from '@stafett/entity-pipeline';
import type { ProblemException } from '@stafett/api';
import type { PersonState } from '../domain/person.model';
import type { PersonRules } from '../domain/person.rules';
import { PersonScopeService } from './person-scope.service';
import type { PersonQueryService } from './queries/person-query.service';

const club = 'c0000000-0000-4000-8000-000000000001';
const section = 'c0000000-0000-4000-8000-000000000002';
const otherClub = 'c0000000-0000-4000-8000-000000000003';

/** club → section; otherClub elsewhere. */
const tree = {
  containsAny: async (root: string, ids: readonly string[]) => root === club && ids.some((id) => id === club || id === section),
  subtree: async (root: string) => (root === club ? [club, section] : [root]),
} as unknown as OrganisationTree;
const rules = { organisationsOf: (s: PersonState) => s.memberships.map((m) => m.organisationId) } as unknown as PersonRules;

const newService = () => new PersonScopeService(tree, rules, {} as PersonQueryService);
const membership = (organisationId: string, from = '2024-01-01', to: string | null = null) => ({ organisationId, from, to });
const person = (...memberships: ReturnType<typeof membership>[]) => ({ memberships }) as unknown as PersonState;
const payload = (...memberships: ReturnType<typeof membership>[]): PersonImportPayload => ({
  memberships: memberships.map((m) => ({ organisation: { id: m.organisationId }, from: m.from, to: m.to })),
});

async function refusal(check: Promise<void>): Promise<{ status: number; detail: string; errors: unknown }> {
  const error = (await check.then(
    () => undefined,
    (e: unknown) => e,
  )) as ProblemException | undefined;
  if (!error) throw new Error('expected a refusal');
  return error.problem as { status: number; detail: string; errors: unknown };
}

describe(PersonScopeService.name, () => {
  const sut = newService();

  it('should let a global key write anything', async () => {
    await expect(sut.checkWrite(null, undefined, payload(membership(otherClub)))).resolves.toBeUndefined();
  });

  it('should accept a create with a membership in the subtree', async () => {
    await expect(sut.checkWrite(club, undefined, payload(membership(section)))).resolves.toBeUndefined();
  });

  it('should refuse a create in another organisation with 404 naming the membership, as an unknown organisation', async () => {
    expect(await refusal(sut.checkWrite(club, undefined, payload(membership(section), membership(otherClub))))).toEqual({
      type: 'urn:stafett:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'No organisation with this id.',
      errors: [{ field: 'memberships[1].organisationId', code: 'UNKNOWN_REFERENCE', message: 'No organisation with this id.' }],
    });
  });

  it('should refuse a create without memberships', async () => {
    expect((await refusal(sut.checkWrite(club, undefined, {}))).errors).toEqual([{ field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) }]);
  });

  it('should accept a change that leaves the memberships alone', async () => {
    await expect(sut.checkWrite(club, person(membership(otherClub), membership(club)), { firstName: 'Anna' })).resolves.toBeUndefined();
  });

  it('should keep a membership outside the subtree unchanged, wherever it stands in the list', async () => {
    const before = person(membership(otherClub), membership(club));
    await expect(sut.checkWrite(club, before, payload(membership(section, '2025-01-01'), membership(otherClub)))).resolves.toBeUndefined();
  });

  it('should refuse dropping or changing a membership outside the subtree', async () => {
    const before = person(membership(otherClub), membership(club));
    expect((await refusal(sut.checkWrite(club, before, payload(membership(club))))).errors).toEqual([{ field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) }]);
    expect((await refusal(sut.checkWrite(club, before, payload(membership(otherClub, '2024-01-01', '2024-12-31'), membership(club))))).errors).toEqual([
      { field: 'memberships[0]', code: 'OUT_OF_SCOPE', message: expect.any(String) },
      { field: 'memberships', code: 'OUT_OF_SCOPE', message: expect.any(String) },
    ]);
  });

  it('should refuse clearing the memberships', async () => {
    const problem = await refusal(sut.checkWrite(club, person(membership(club)), { clearFields: ['memberships'] }));
    expect(problem).toMatchObject({ status: 404, errors: [{ field: 'memberships', code: 'OUT_OF_SCOPE' }] });
  });

  it('should compare organisation ids without regard to case', async () => {
    await expect(sut.checkWrite(club, undefined, payload(membership(section.toUpperCase())))).resolves.toBeUndefined();
  });
});
