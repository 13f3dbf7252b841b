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

describe('Avro timestamp-millis', () => {
  const type = parseSchema({ type: 'long', logicalType: 'timestamp-millis' });

  it('should encode a Date and an ISO 8601 instant with a zone to the same millisecond', () => {
    const instant = new Date('2026-03-01T17:00:00.250Z');
    expect(type.fromBuffer(type.toBuffer('2026-03-01T18:00:00.250+01:00'))).toEqual(instant);
    expect(type.fromBuffer(type.toBuffer(instant))).toEqual(instant);
  });

  it('should refuse a local time without a zone and text that is not an instant', () => {
    for (const bad of ['2026-03-01T17:00:00', '2026-03-01', 'tomorrow', '2026-13-01T00:00:00Z']) expect(type.isValid(bad)).toBe(false);
  });
});
