import avro from 'avsc';
import { installAsciiStringFastPath } from './avsc-ascii-strings';
import { contractType, entityContracts } from './index';

// avsc's Tap: the test swaps in a plain UTF-8 writer to compare a whole record's bytes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tapProto = (require('avsc/lib/utils') as { Tap: { prototype: { writeString(s: string): void } } }).Tap.prototype;

describe(installAsciiStringFastPath.name, () => {
  const type = avro.Type.forSchema({ type: 'record', name: 'S', fields: [{ name: 'a', type: 'string' }, { name: 'b', type: ['null', 'string'] }] });
  const expected = (a: string, b: string | null) => {
    const utf8 = (s: string) => Buffer.concat([zigzag(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
    return Buffer.concat([utf8(a), b === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([2]), utf8(b)])]);
  };

  it('should be in place once the contracts are loaded', () => {
    expect(installAsciiStringFastPath()).toBe(true);
    expect((tapProto.writeString as unknown as { asciiFastPath?: boolean }).asciiFastPath).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['ASCII', 'r100-2'],
    ['63 ASCII chars (one-byte length)', 'x'.repeat(63)],
    ['64 ASCII chars (two-byte length)', 'y'.repeat(64)],
    ['300 ASCII chars', 'z'.repeat(300)],
    ['Swedish letters', 'Åsa Öberg-Ängström'],
    ['ASCII then one non-ASCII char last', `${'a'.repeat(40)}é`],
    ['a surrogate pair', 'runner 🏃 fast'],
    ['a NUL and control chars', 'a\u0000b\u0001\u007f'],
  ])('should write %s exactly as UTF-8 with its zigzag length', (_, s) => {
    expect(type.toBuffer({ a: s, b: s })).toEqual(expected(s, s));
    expect(type.fromBuffer(type.toBuffer({ a: s, b: null }))).toEqual({ a: s, b: null });
  });

  it('should grow a buffer that is too small, as avsc does', () => {
    const s = 'n'.repeat(50);
    const small = Buffer.alloc(20);
    expect(type.encode({ a: s, b: null }, small, 0)).toBeLessThan(0); // avsc's "does not fit" answer
    expect(type.toBuffer({ a: s, b: null })).toEqual(expected(s, null));
  });

  it("should encode a person's state record to the bytes avsc's own string writer gives", () => {
    const state = contractType(entityContracts('person').state);
    const person = {
      id: '0193a3f0-0000-7000-8000-000000000001',
      personalIdentityNumber: null,
      firstName: 'Åsa',
      lastName: 'Andersson',
      birthDate: '2010-05-17',
      sex: 'FEMALE',
      address: { street: 'Storgatan 1', postalCode: '41101', city: 'Göteborg', country: 'SE' },
      email: 'asa@example.se',
      phone: '+46701234567',
      status: 'ACTIVE',
      disability: false,
      externalIds: [{ system: 'bench', id: 'r100-1' }],
      memberships: [],
      guardians: [],
    };
    const fast = state.toBuffer(person);
    const wrapped = tapProto.writeString;
    try {
      tapProto.writeString = function (this: { buf: Buffer; pos: number; writeLong(n: number): void }, s: string) {
        const bytes = Buffer.from(s, 'utf8');
        this.writeLong(bytes.length);
        if (this.pos + bytes.length <= this.buf.length) bytes.copy(this.buf, this.pos);
        this.pos += bytes.length;
      };
      expect(fast).toEqual(state.toBuffer(person));
    } finally {
      tapProto.writeString = wrapped;
    }
    expect(state.fromBuffer(fast)).toMatchObject({ firstName: 'Åsa', address: { city: 'Göteborg' }, externalIds: [{ system: 'bench', id: 'r100-1' }] });
  });
});

function zigzag(n: number): Buffer {
  const out: number[] = [];
  let z = n * 2;
  while (z >= 0x80) {
    out.push((z & 0x7f) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Buffer.from(out);
}
