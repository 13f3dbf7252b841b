import { ProblemException } from '@stafett/api';
import { expectedVersion } from './if-match';

const statusOf = (header: string | undefined, required: boolean): number | undefined => {
  try {
    expectedVersion(header, required);
    return undefined;
  } catch (e) {
    return (e as ProblemException).problem.status;
  }
};

describe(expectedVersion.name, () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    [' "12" ', 12],
    ['*', undefined],
  ])('should read If-Match %s as version %s', (header, version) => {
    expect(expectedVersion(header, true)).toBe(version);
  });

  it('should answer 428 when a required If-Match is missing, and accept its absence otherwise', () => {
    expect(statusOf(undefined, true)).toBe(428);
    expect(statusOf('', true)).toBe(428);
    expect(expectedVersion(undefined, false)).toBeUndefined();
  });

  it('should answer 412 for what can never match a version (weak or foreign ETags)', () => {
    expect(statusOf('W/"3"', true)).toBe(412);
    expect(statusOf('"abc"', true)).toBe(412);
    expect(statusOf('"1", "2"', true)).toBe(412);
  });
});
