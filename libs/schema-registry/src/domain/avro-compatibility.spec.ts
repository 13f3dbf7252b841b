import { AvroCompatibility, type PreviousSchema } from './avro-compatibility';

type Field = { name: string; type: unknown; default?: unknown };

function record(fields: Field[], name = 'se.stafett.test.Member'): string {
  return JSON.stringify({ type: 'record', name, fields });
}

const id: Field = { name: 'id', type: 'string' };
const v1 = record([id]);
const withNickname = record([id, { name: 'nickname', type: ['null', 'string'], default: null }]);
const withRequiredAge = record([id, { name: 'age', type: 'int' }]);

describe(AvroCompatibility.name, () => {
  const sut = new AvroCompatibility();
  const history = (...schemas: string[]): PreviousSchema[] => schemas.map((schema, i) => ({ version: i + 1, schema }));

  it('should accept adding a field with a default as backward compatible', () => {
    expect(sut.check(withNickname, history(v1), 'BACKWARD')).toEqual({ compatible: true, messages: [] });
  });

  it('should reject adding a field without a default as backward incompatible, naming the version and the field', () => {
    const result = sut.check(withRequiredAge, history(v1), 'BACKWARD');
    expect(result.compatible).toBe(false);
    expect(result.messages).toEqual([
      'Incompatible with version 1 (BACKWARD): the new schema cannot read data written with version 1: ' +
        'no matching field for default-less se.stafett.test.Member.age',
    ]);
  });

  it('should accept removing a field as backward compatible but reject it as forward compatible', () => {
    const removed = v1;
    const previous = history(withRequiredAge);
    expect(sut.check(removed, previous, 'BACKWARD').compatible).toBe(true);
    const forward = sut.check(removed, previous, 'FORWARD');
    expect(forward.compatible).toBe(false);
    expect(forward.messages[0]).toMatch(
      /^Incompatible with version 1 \(FORWARD\): readers using version 1 cannot read data written with the new schema: .*age/,
    );
  });

  it('should reject an incompatible change of a field type in every direction', () => {
    const idAsInt = record([{ name: 'id', type: 'int' }]);
    expect(sut.check(idAsInt, history(v1), 'BACKWARD').messages).toEqual([
      'Incompatible with version 1 (BACKWARD): the new schema cannot read data written with version 1: cannot read "string" as "int"',
    ]);
    expect(sut.check(idAsInt, history(v1), 'FORWARD').messages).toEqual([
      'Incompatible with version 1 (FORWARD): readers using version 1 cannot read data written with the new schema: cannot read "int" as "string"',
    ]);
    expect(sut.check(idAsInt, history(v1), 'FULL').messages).toHaveLength(2);
  });

  it('should allow Avro type promotion one way only (int is read as long, not the reverse)', () => {
    const count = (type: string) => record([{ name: 'count', type }]);
    expect(sut.check(count('long'), history(count('int')), 'BACKWARD').compatible).toBe(true);
    expect(sut.check(count('long'), history(count('int')), 'FULL').compatible).toBe(false);
  });

  it('should check only the latest version when not transitive and every version when transitive', () => {
    // v1 {id}; v2 {id, age} (registered under NONE); v3 {age}: it reads v2's data but not v1's.
    const v2 = record([id, { name: 'age', type: 'int' }]);
    const v3 = record([{ name: 'age', type: 'int' }]);
    const previous = history(v1, v2);

    expect(sut.check(v3, previous, 'BACKWARD')).toEqual({ compatible: true, messages: [] });
    const transitive = sut.check(v3, previous, 'BACKWARD_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toEqual([
      'Incompatible with version 1 (BACKWARD_TRANSITIVE): the new schema cannot read data written with version 1: ' +
        'no matching field for default-less se.stafett.test.Member.age',
    ]);
  });

  it('should accept anything under NONE and anything when there is no previous version', () => {
    const text = JSON.stringify('string');
    expect(sut.check(text, history(v1), 'NONE').compatible).toBe(true);
    expect(sut.check(text, [], 'FULL_TRANSITIVE').compatible).toBe(true);
  });

  it('should match records by unqualified name like Confluent, so a namespace move is compatible', () => {
    const moved = record([id], 'se.stafett.other.Member');
    expect(sut.check(moved, history(v1), 'FULL').compatible).toBe(true);
    const renamed = record([id], 'se.stafett.test.Person');
    expect(sut.check(renamed, history(v1), 'BACKWARD').messages[0]).toContain('no alias found for se.stafett.test.Member');
  });
});
