import { createHash } from 'node:crypto';
import { DuplicateIndex } from './duplicate-index';

const h = (s: string) => createHash('sha256').update(s).digest();

describe(DuplicateIndex.name, () => {
  it('should send every later row to the first one, and the first to the next one', () => {
    const sut = new DuplicateIndex<'pnr' | 'member'>();
    sut.add('pnr', h('a'), 2);
    sut.add('pnr', h('b'), 3);
    sut.add('pnr', h('a'), 5);
    sut.add('member', h('m'), 5);
    sut.add('pnr', h('a'), 9);
    expect([...sut.duplicates()].sort(([a], [b]) => a - b)).toEqual([
      [2, { other: 5, field: 'pnr' }],
      [5, { other: 2, field: 'pnr' }],
      [9, { other: 2, field: 'pnr' }],
    ]);
  });

  it('should keep growing past its first 1,024 keys', () => {
    const sut = new DuplicateIndex<'pnr'>();
    for (let i = 0; i < 5000; i++) sut.add('pnr', h(String(i)), i + 2);
    sut.add('pnr', h('4999'), 6000);
    expect(sut.duplicates()).toEqual(
      new Map([
        [5001, { other: 6000, field: 'pnr' }],
        [6000, { other: 5001, field: 'pnr' }],
      ]),
    );
  });
});
