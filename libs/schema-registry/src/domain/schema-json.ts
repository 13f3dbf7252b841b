/**
 * JSON as a schema registry needs it: objects keep their key order and numbers their source
 * spelling (`JSON.parse` loses both: integer-like keys move first, `1.0` becomes `1`), and text is
 * written back the way Java's Jackson writes it, so that the canonical form of a schema is the
 * very string a Java client computes (see `avro-canonical-form.ts`).
 */
export type JsonNode =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonNode])[] };

export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses JSON text into an order-keeping tree. A repeated key keeps its first position and its last value, as Jackson does. */
export function parseJson(text: string): JsonNode {
  const parser = new Parser(text);
  const node = parser.value();
  parser.end();
  return node;
}

/** The value of a key of an object node, if any. */
export function member(node: JsonNode, key: string): JsonNode | undefined {
  return node.kind === 'object' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** The text of a string node, else undefined (Jackson's `textValue()`). */
export function text(node: JsonNode | undefined): string | undefined {
  return node?.kind === 'string' ? node.value : undefined;
}

/** Writes a tree as compact JSON, like Jackson; with `sortKeys`, object keys in code-point order (like Confluent's normalisation). */
export function writeJson(node: JsonNode, sortKeys = false): string {
  switch (node.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return node.value ? 'true' : 'false';
    case 'number':
      return writeNumber(node.raw);
    case 'string':
      return writeString(node.value);
    case 'array':
      return `[${node.items.map((item) => writeJson(item, sortKeys)).join(',')}]`;
    case 'object': {
      const entries = sortKeys ? [...node.entries].sort(([a], [b]) => compareCodePoints(a, b)) : node.entries;
      return `{${entries.map(([key, value]) => `${writeString(key)}:${writeJson(value, sortKeys)}`).join(',')}}`;
    }
  }
}

/** Java's `String.compareTo` (UTF-16 code units), which `TreeMap` uses. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** A JSON string as Jackson writes it: short escapes, other control characters as upper-case `\u00XX`, the rest as is. */
export function writeString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || isLoneSurrogate(value, i)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function isLoneSurrogate(value: string, i: number): boolean {
  const code = value.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = value.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (code >= 0xdc00 && code <= 0xdfff) {
    const previous = value.charCodeAt(i - 1);
    return !(previous >= 0xd800 && previous <= 0xdbff);
  }
  return false;
}

/**
 * A number as Jackson writes the node it parsed: integers as their digits (`-0` is `0`), numbers
 * with a fraction or exponent as a Java `double` (`Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.5E-4`).
 */
export function writeNumber(raw: string): string {
  if (!/[.eE]/.test(raw)) return raw === '-0' ? '0' : raw;
  const value = Number(raw);
  if (!Number.isFinite(value)) return raw;
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

class Parser {
  private pos = 0;

  constructor(private readonly source: string) {}

  value(): JsonNode {
    this.skipWhitespace();
    const ch = this.source[this.pos];
    switch (ch) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return { kind: 'string', value: this.string() };
      case 't':
        return this.literal('true', { kind: 'boolean', value: true });
      case 'f':
        return this.literal('false', { kind: 'boolean', value: false });
      case 'n':
        return this.literal('null', { kind: 'null' });
      default:
        return this.number();
    }
  }

  end(): void {
    this.skipWhitespace();
    if (this.pos < this.source.length) this.fail('unexpected text after the JSON value');
  }

  private object(): JsonNode {
    this.pos++;
    const entries: [string, JsonNode][] = [];
    this.skipWhitespace();
    if (this.source[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.source[this.pos] !== '"') this.fail('expected a property name');
      const key = this.string();
      this.skipWhitespace();
      this.expect(':');
      const value = this.value();
      const index = entries.findIndex(([k]) => k === key);
      if (index >= 0) entries[index] = [key, value];
      else entries.push([key, value]);
      this.skipWhitespace();
      if (this.source[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return { kind: 'object', entries };
    }
  }

  private array(): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.source[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipWhitespace();
      if (this.source[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return { kind: 'array', items };
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const ch = this.source[this.pos];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === '\\') this.pos += 2;
      else if (ch === '"') break;
      else this.pos++;
    }
    this.pos++;
    // The escapes are JSON's own: let JSON.parse decode the literal.
    return JSON.parse(this.source.slice(start, this.pos)) as string;
  }

  private number(): JsonNode {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.source.slice(this.pos));
    if (!match) this.fail('unexpected character');
    this.pos += match[0].length;
    return { kind: 'number', raw: match[0] };
  }

  private literal(word: string, node: JsonNode): JsonNode {
    if (!this.source.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return node;
  }

  private expect(ch: string): void {
    if (this.source[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  private skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.source[this.pos] ?? '')) this.pos++;
  }

  private fail(reason: string): never {
    throw new JsonSyntaxError(`${reason} at position ${this.pos}`);
  }
}
