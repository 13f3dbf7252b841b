import { decodeCursor, encodeCursor } from './cursor';
import { ProblemException } from './problem/problem-details';

const isIdPosition = (v: unknown): v is { id: string } => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string';

describe(decodeCursor.name, () => {
  it('should give back the position encoded in a cursor', () => {
    const cursor = encodeCursor({ id: '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, isIdPosition)).toEqual({ id: '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c' });
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('id=1').toString('base64url')],
    ['another position', encodeCursor({ offset: 5 })],
  ])('should refuse a cursor that is %s with a 422 naming cursor', (_kind, cursor) => {
    expect.assertions(2);
    try {
      decodeCursor(cursor, isIdPosition);
    } catch (e) {
      expect(e).toBeInstanceOf(ProblemException);
      expect((e as ProblemException).problem).toMatchObject({ status: 422, errors: [{ field: 'cursor', code: 'INVALID_FORMAT' }] });
    }
  });
});

describe(`${decodeCursor.name} with a field name`, () => {
  it('should name the query parameter the cursor came in', () => {
    expect.assertions(1);
    try {
      decodeCursor('!!', isIdPosition, 'since');
    } catch (e) {
      expect((e as ProblemException).problem).toMatchObject({ status: 422, errors: [{ field: 'since', code: 'INVALID_FORMAT' }] });
    }
  });
});
