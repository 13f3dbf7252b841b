import { parseSchema } from './contract-types';

describe('Avro date', () => {
  const date = parseSchema({ type: 'int', logicalType: 'date' });

  it('should encode every calendar date from 0001 to 2199 as the days JavaScript counts since 1970-01-01', () => {
    const wrong: string[] = [];
    for (let days = -719_162; days < 83_300; days += 13) {
      const iso = new Date(days * 86_400_000).toISOString().slice(0, 10);
      const decoded = date.fromBuffer(date.toBuffer(iso)) as string;
      if (decoded !== iso || date.fromBuffer(parseSchema('int').toBuffer(days)) !== iso) wrong.push(iso);
    }
    expect(wrong).toEqual([]);
  });

  it('should refuse dates that do not exist', () => {
    for (const bad of ['2023-02-29', '2024-02-30', '2023-13-01', '2023-00-10', '2023-04-31', '1900-02-29']) expect(() => date.toBuffer(bad)).toThrow();
    expect(date.fromBuffer(date.toBuffer('2000-02-29'))).toBe('2000-02-29');
  });
});
