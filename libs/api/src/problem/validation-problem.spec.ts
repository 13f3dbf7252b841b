import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { ArgumentMetadata } from '@nestjs/common';
import { ProblemException } from './problem-details';
import { apiValidationPipe, fieldErrorsOfStockPipe } from './validation-problem';

class ItemDto {
  @IsIn(['person'])
  entityType!: string;

  @IsString()
  @IsNotEmpty()
  externalId!: string;
}

class BodyDto {
  @IsString()
  name!: string;

  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

const body: ArgumentMetadata = { type: 'body', metatype: BodyDto, data: '' };

async function problemOf(value: unknown): Promise<ProblemException> {
  try {
    await apiValidationPipe().transform(value, body);
  } catch (e) {
    if (e instanceof ProblemException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe(apiValidationPipe.name, () => {
  it('should answer 422 with one error per field, nested fields by path', async () => {
    const problem = await problemOf({ name: 7, items: [{ entityType: 'person', externalId: 'a' }, { entityType: 'group', externalId: '' }] });
    expect(problem.problem).toMatchObject({ type: 'urn:stafett:problem:validation-failed', status: 422 });
    expect(problem.problem.errors).toEqual([
      { field: 'name', code: 'INVALID_FORMAT', message: 'name must be a string' },
      { field: 'items[1].entityType', code: 'INVALID_ENUM', message: expect.stringContaining('entityType must be one of') },
      { field: 'items[1].externalId', code: 'REQUIRED', message: 'externalId should not be empty' },
    ]);
  });

  it('should answer 400 when the body is not a JSON object', async () => {
    expect((await problemOf([1, 2])).problem).toMatchObject({ type: 'urn:stafett:problem:malformed-request', status: 400 });
  });

  it('should name the code of too many items', async () => {
    const items = [1, 2, 3].map((i) => ({ entityType: 'person', externalId: `e${i}` }));
    expect((await problemOf({ name: 'n', items })).problem.errors).toEqual([{ field: 'items', code: 'TOO_LONG', message: expect.any(String) }]);
  });

  it('should refuse too many items before validating any of them', async () => {
    // Every item is invalid: had any been validated, its error would be listed.
    const items = Array.from({ length: 100_000 }, () => ({ entityType: 7 }));
    const problem = await problemOf({ name: 'n', items });
    expect(problem.problem.errors).toEqual([{ field: 'items', code: 'TOO_LONG', message: 'items may hold at most 2 items (it has 100000)' }]);
  });

  it('should answer 422 UNKNOWN_FIELD for a field the DTO does not declare, as the import path does', async () => {
    const problem = await problemOf({ name: 'n', items: [{ entityType: 'person', externalId: 'a', extra: 1 }], protectedIdentity: true });
    expect(problem.problem.errors).toEqual([
      { field: 'protectedIdentity', code: 'UNKNOWN_FIELD', message: 'property protectedIdentity should not exist' },
      { field: 'items[0].extra', code: 'UNKNOWN_FIELD', message: 'property extra should not exist' },
    ]);
  });

  it('should answer 400, not overflow the stack, for JSON nested 10,000 deep', async () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect((await problemOf({ name: 'n', items: [], deep })).problem).toMatchObject({ status: 400, detail: 'The request nests deeper than 32 levels.' });
  });

  it('should answer 422 naming each field that holds a NUL character', async () => {
    const problem = await problemOf({ name: 'a\u0000b', items: [{ entityType: 'person', externalId: 'x\u0000' }] });
    expect(problem.problem.errors).toEqual([
      { field: 'items[0].externalId', code: 'INVALID_FORMAT', message: 'must not contain the NUL character (\\u0000)' },
      { field: 'name', code: 'INVALID_FORMAT', message: 'must not contain the NUL character (\\u0000)' },
    ]);
  });
});

describe(fieldErrorsOfStockPipe.name, () => {
  it("should read the paths of the stock pipe's list of messages", () => {
    expect(fieldErrorsOfStockPipe({ message: ['records.3.entityType must be a string', 'name must be a string', 'property extra should not exist'] })).toEqual({
      bodyLevel: false,
      errors: [
        { field: 'records[3].entityType', code: 'INVALID_FORMAT', message: 'entityType must be a string' },
        { field: 'name', code: 'INVALID_FORMAT', message: 'name must be a string' },
        { field: 'extra', code: 'UNKNOWN_FIELD', message: 'property extra should not exist' },
      ],
    });
  });

  it('should read the grouped format, and recognise a body that is no object', () => {
    expect(fieldErrorsOfStockPipe({ message: { 'records.0.op': ['op must be one of UPSERT, DELETE'] } })?.errors).toEqual([
      { field: 'records[0].op', code: 'INVALID_FORMAT', message: 'op must be one of UPSERT, DELETE' },
    ]);
    expect(fieldErrorsOfStockPipe({ message: ['an unknown value was passed to the validate function'] })).toEqual({ bodyLevel: true, errors: [] });
    expect(fieldErrorsOfStockPipe({ message: 'Not Found' })).toBeUndefined();
  });
});
