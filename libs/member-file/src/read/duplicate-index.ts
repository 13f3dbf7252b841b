/**
 * Finds keys that occur on several rows of a file, in bounded memory: each key is a 64-bit keyed
 * hash kept in typed arrays (12 bytes per key, no strings, no per-key objects), sorted once at the
 * end. A million rows with two keys each take about 24 MB. (Two different keys sharing a 64-bit
 * hash in one file: about 1 in 10^7 for a million keys, and it would reject two rows, never merge them.)
 */
export class DuplicateIndex<F extends string> {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private rows = new Uint32Array(1024);
  private fields = new Uint8Array(1024);
  private readonly fieldNames: F[] = [];
  private n = 0;

  /** `hash`: at least 8 bytes of a keyed hash of the field and its value. */
  add(field: F, hash: Buffer, row: number): void {
    if (this.n === this.hi.length) this.grow();
    let f = this.fieldNames.indexOf(field);
    if (f < 0) f = this.fieldNames.push(field) - 1;
    this.hi[this.n] = hash.readUInt32BE(0);
    this.lo[this.n] = hash.readUInt32BE(4);
    this.rows[this.n] = row;
    this.fields[this.n] = f;
    this.n++;
  }

  /** Every row whose key is also on another row → that other row (the first one, or for the first, the next one) and the field. */
  duplicates(): Map<number, { readonly other: number; readonly field: F }> {
    const { hi, lo, rows } = this;
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    order.sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b] || rows[a] - rows[b]);
    const out = new Map<number, { other: number; field: F }>();
    for (let i = 0; i < order.length;) {
      let j = i + 1;
      while (j < order.length && hi[order[j]] === hi[order[i]] && lo[order[j]] === lo[order[i]]) j++;
      if (j - i > 1) {
        const first = rows[order[i]];
        const field = this.fieldNames[this.fields[order[i]]];
        for (let k = i; k < j; k++) {
          const row = rows[order[k]];
          if (row !== first && !out.has(row)) out.set(row, { other: first, field });
        }
        if (!out.has(first)) out.set(first, { other: rows[order[i + 1]], field });
      }
      i = j;
    }
    this.hi = this.lo = this.rows = new Uint32Array(0);
    this.fields = new Uint8Array(0);
    this.n = 0;
    return out;
  }

  private grow(): void {
    const size = this.hi.length * 2;
    const grown = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.hi = grown(this.hi, (n) => new Uint32Array(n));
    this.lo = grown(this.lo, (n) => new Uint32Array(n));
    this.rows = grown(this.rows, (n) => new Uint32Array(n));
    this.fields = grown(this.fields, (n) => new Uint8Array(n));
  }
}
