import { BinaryCopyRows } from './binary-copy';

const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
const uuid = (s: string) => Buffer.from(s.replace(/-/g, ''), 'hex');

describe('BinaryCopyRows', () => {
  it("should write COPY's binary format: the header, each row's field count and fields, the trailer", () => {
    const rows = new BinaryCopyRows();
    rows.row(3).text('Åsa').int8(-2).null();
    const bytes = Buffer.concat(rows.end());
    expect(bytes).toEqual(
      Buffer.concat([HEADER, int16(3), int32(4), Buffer.from('Åsa', 'utf8'), int32(8), int64(-2n), int32(-1), int16(-1)]),
    );
  });

  it('should write a uuid as its 16 bytes, in either case', () => {
    const id = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    const bytes = Buffer.concat(new BinaryCopyRows().row(1).uuid(id).end());
    expect(bytes.subarray(HEADER.length + 2, bytes.length - 2)).toEqual(Buffer.concat([int32(16), uuid(id.toLowerCase())]));
  });

  it.each([
    ['a personnummer', '199001011234'],
    ['hyphens out of place', '0f8fad5bd-9cb-469f-a165-70867728950e'],
    ['a non-hex digit', '0f8fad5b-d9cb-469f-a165-70867728950g'],
    ['a non-ASCII character', '0f8fad5b-d9cb-469f-a165-70867728950é'],
    ['a NUL', '0f8fad5b-d9cb-469f-a165-70867728950\u0000'],
  ])('should refuse %s where a uuid belongs, without naming the value', (_, value) => {
    const rows = new BinaryCopyRows().row(1);
    expect(() => rows.uuid(value)).toThrow(new TypeError('a uuid column got a value that is not a uuid'));
  });

  it('should write a timestamptz as microseconds since 2000-01-01 UTC, before that epoch too', () => {
    const at = (iso: string) => {
      const b = Buffer.concat(new BinaryCopyRows().row(1).timestamptz(new Date(iso)).end());
      return b.readBigInt64BE(HEADER.length + 2 + 4);
    };
    expect(at('2000-01-01T00:00:00.000Z')).toBe(0n);
    expect(at('2026-12-02T01:02:03.456Z')).toBe(BigInt(Date.parse('2026-12-02T01:02:03.456Z') - Date.UTC(2000, 0, 1)) * 1000n);
    expect(at('1969-07-20T20:17:40.001Z')).toBe(BigInt(Date.parse('1969-07-20T20:17:40.001Z') - Date.UTC(2000, 0, 1)) * 1000n);
    expect(() => new BinaryCopyRows().row(1).timestamptz(new Date('not a date'))).toThrow('a timestamptz column got an invalid date');
  });

  it('should refuse an int8 that is not a safe integer', () => {
    for (const n of [1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) expect(() => new BinaryCopyRows().row(1).int8(n)).toThrow('an int8 column got a value that is not a safe integer');
  });

  it('should write a uuid[] as a one-dimensional array of uuids, and the empty array with no dimension', () => {
    const a = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const b = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const two = Buffer.concat(new BinaryCopyRows().row(1).uuidArray([a, b]).end());
    expect(two.subarray(HEADER.length + 2, two.length - 2)).toEqual(
      Buffer.concat([int32(20 + 40), int32(1), int32(0), int32(2950), int32(2), int32(1), int32(16), uuid(a), int32(16), uuid(b)]),
    );
    const none = Buffer.concat(new BinaryCopyRows().row(1).uuidArray([]).end());
    expect(none.subarray(HEADER.length + 2, none.length - 2)).toEqual(Buffer.concat([int32(12), int32(0), int32(0), int32(2950)]));
  });

  it('should cut the rows into buffers of about 32 KB that join to the same bytes, a field larger than that whole', () => {
    const big = Buffer.alloc(100_000, 7);
    const many = new BinaryCopyRows();
    const expected: Buffer[] = [HEADER];
    for (let i = 0; i < 300; i++) {
      const value = i === 150 ? big : Buffer.from(`row ${i}`.repeat(40));
      many.row(1).bytea(value);
      expected.push(int16(1), int32(value.length), value);
    }
    expected.push(int16(-1));
    const chunks = many.end();
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.filter((c) => c.length > 32 * 1024).map((c) => c.length)).toEqual([100_004]);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat(expected));
  });

  it('should write a slice of a buffer as bytea without the rest of it', () => {
    const frames = Buffer.from('aaaBBBBcc');
    const bytes = Buffer.concat(new BinaryCopyRows().row(1).bytea(frames, 3, 7).end());
    expect(bytes.subarray(HEADER.length + 2, bytes.length - 2)).toEqual(Buffer.concat([int32(4), Buffer.from('BBBB')]));
    for (const [start, end] of [[-1, 3], [5, 4], [3, 10], [0.5, 2]]) {
      expect(() => new BinaryCopyRows().row(1).bytea(frames, start, end)).toThrow('a bytea column got a slice outside its buffer');
    }
  });

  it('should refuse to be written after end()', () => {
    const rows = new BinaryCopyRows();
    rows.end();
    expect(() => rows.row(1)).toThrow('a field was written after end()');
    expect(() => rows.end()).toThrow('end() was called twice');
  });
});
