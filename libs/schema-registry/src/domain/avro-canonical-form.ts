import { compareCodePoints, member, text, writeJson, writeString, type JsonNode } from './schema-json';

/**
 * The two forms in which Confluent Schema Registry identifies an Avro schema (what its
 * `AvroSchema.canonicalString()` and `AvroSchema.normalize()` produce), written from the parsed
 * JSON so the registry needs no JVM:
 *
 * - `canonical`: the string Java's `org.apache.avro.Schema#toString()` writes. It is what
 *   Confluent stores, returns and looks schemas up by (MD5 of it), and what every Java client
 *   sends. It spells one schema one way — `{"type":"int"}` is `"int"`, a record named `a.b.R` is
 *   `"name":"R","namespace":"a.b"`, a name in the enclosing namespace is short, keys in Avro's
 *   order, no whitespace — and it KEEPS everything that can change meaning or that tools read:
 *   `logicalType` and every other property, `doc`, defaults, `order`, aliases. (Not Avro's
 *   "parsing canonical form", which drops logical types and would give a `timestamp-millis`
 *   long the id of a plain long.)
 * - `normalized` (`?normalize=true`): in addition, full names everywhere, properties and aliases
 *   sorted, so that schemas equal up to the order of their properties get one id.
 *
 * The input must already be valid Avro (checked by avsc); this only rewrites it.
 */
export type AvroSchemaForm = 'canonical' | 'normalized';

export function writeAvroSchema(schema: JsonNode, form: AvroSchemaForm): string {
  return new AvroSchemaWriter(form).write(schema, null);
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
/** Avro's type names: a named type called like one is always written with its namespace. */
const TYPE_NAMES = new Set([...PRIMITIVES, 'record', 'enum', 'array', 'map', 'union', 'fixed']);
/** Attributes of a type that are not properties (Java's `SCHEMA_RESERVED`). */
const SCHEMA_RESERVED = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);
const ENUM_RESERVED = new Set([...SCHEMA_RESERVED, 'default']);
const FIELD_RESERVED = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases']);

interface FullName {
  readonly name: string;
  readonly space: string | null;
  readonly full: string;
}

function fullName(name: string, space: string | null): FullName {
  const dot = name.lastIndexOf('.');
  if (dot >= 0) return { name: name.slice(dot + 1), space: name.slice(0, dot), full: name };
  const ns = space === '' ? null : space;
  return { name, space: ns, full: ns === null ? name : `${ns}.${name}` };
}

class AvroSchemaWriter {
  /** Named types written so far: later occurrences are written as references. */
  private readonly defined = new Set<string>();

  constructor(private readonly form: AvroSchemaForm) {}

  /** `space` is the enclosing namespace (Java's `Names.space()`), the same while reading and writing. */
  write(node: JsonNode, space: string | null): string {
    switch (node.kind) {
      case 'string':
        return PRIMITIVES.has(node.value) ? writeString(node.value) : this.reference(node.value, space);
      case 'array':
        return `[${node.items.map((item) => this.write(item, space)).join(',')}]`;
      case 'object':
        return this.complex(node, space);
      default:
        throw new Error(`not an Avro schema: ${writeJson(node)}`);
    }
  }

  private complex(node: JsonNode, space: string | null): string {
    const typeNode = member(node, 'type');
    if (typeNode === undefined) throw new Error('not an Avro schema: no type');
    // `{"type": {...}}` or `{"type": [...]}`: the nested type is the type.
    if (typeNode.kind !== 'string') return this.write(typeNode, space);
    const type = typeNode.value;
    if (PRIMITIVES.has(type)) {
      const props = this.props(node, SCHEMA_RESERVED);
      return props === '' ? writeString(type) : `{"type":${writeString(type)}${props}}`;
    }
    switch (type) {
      case 'array':
        return `{"type":"array","items":${this.write(required(node, 'items'), space)}${this.props(node, SCHEMA_RESERVED)}}`;
      case 'map':
        return `{"type":"map","values":${this.write(required(node, 'values'), space)}${this.props(node, SCHEMA_RESERVED)}}`;
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return this.named(node, type, space);
      default:
        // `{"type": "a.b.R"}`: a reference to a named type.
        return this.reference(type, space);
    }
  }

  private named(node: JsonNode, type: string, space: string | null): string {
    const name = fullName(text(member(node, 'name')) ?? '', text(member(node, 'namespace')) ?? space);
    if (this.defined.has(name.full)) return this.qualifiedReference(name, space);
    this.defined.add(name.full);
    const doc = text(member(node, 'doc'));
    const parts: string[] = [];
    if (this.form === 'canonical') {
      parts.push(`"type":${writeString(type)}`, `"name":${writeString(name.name)}`);
      if (name.space !== null && name.space !== space) parts.push(`"namespace":${writeString(name.space)}`);
      else if (name.space === null && space !== null) parts.push('"namespace":""');
      if (doc !== undefined) parts.push(`"doc":${writeString(doc)}`);
    } else {
      parts.push(`"name":${writeString(name.full)}`, `"type":${writeString(type)}`);
    }
    switch (type) {
      case 'enum': {
        parts.push(`"symbols":${writeJson(required(node, 'symbols'))}`);
        const enumDefault = text(member(node, 'default'));
        if (this.form === 'canonical' && enumDefault !== undefined) parts.push(`"default":${writeString(enumDefault)}`);
        break;
      }
      case 'fixed':
        parts.push(`"size":${writeJson(required(node, 'size'))}`);
        break;
      default: {
        const fields = required(node, 'fields');
        const written = fields.kind === 'array' ? fields.items.map((field) => this.field(field, name.space)) : [];
        parts.push(`"fields":[${written.join(',')}]`);
      }
    }
    const aliases = this.typeAliases(node, name);
    if (this.form === 'canonical') {
      return `{${parts.join(',')}${this.props(node, type === 'enum' ? ENUM_RESERVED : SCHEMA_RESERVED)}${aliases}}`;
    }
    if (doc !== undefined && doc !== '') parts.push(`"doc":${writeString(doc)}`);
    const enumDefault = type === 'enum' ? text(member(node, 'default')) : undefined;
    return `{${parts.join(',')}${aliases}${enumDefault === undefined ? '' : `,"default":${writeString(enumDefault)}`}${this.props(node, type === 'enum' ? ENUM_RESERVED : SCHEMA_RESERVED)}}`;
  }

  private field(node: JsonNode, space: string | null): string {
    const parts = [
      `"name":${writeString(text(member(node, 'name')) ?? '')}`,
      `"type":${this.write(required(node, 'type'), space)}`,
    ];
    const doc = text(member(node, 'doc'));
    const fallback = member(node, 'default');
    const order = text(member(node, 'order'))?.toLowerCase();
    const orderPart = order !== undefined && order !== 'ascending' ? `"order":${writeString(order)}` : undefined;
    const aliases = this.fieldAliases(node);
    const sorted = this.form === 'normalized';
    if (sorted) {
      if (orderPart) parts.push(orderPart);
      if (doc !== undefined) parts.push(`"doc":${writeString(doc)}`);
      if (aliases) parts.push(aliases);
      if (fallback !== undefined) parts.push(`"default":${writeJson(fallback, true)}`);
    } else {
      if (doc !== undefined) parts.push(`"doc":${writeString(doc)}`);
      if (fallback !== undefined) parts.push(`"default":${writeJson(fallback)}`);
      if (orderPart) parts.push(orderPart);
      if (aliases) parts.push(aliases);
    }
    return `{${parts.join(',')}${this.props(node, FIELD_RESERVED)}}`;
  }

  /** The properties of a node (attributes that are not Avro's own), in source order, or sorted when normalised. */
  private props(node: JsonNode, reserved: ReadonlySet<string>): string {
    if (node.kind !== 'object') return '';
    const props = node.entries.filter(([key]) => !reserved.has(key));
    const sorted = this.form === 'normalized';
    const ordered = sorted ? [...props].sort(([a], [b]) => compareCodePoints(a, b)) : props;
    return ordered.map(([key, value]) => `,${writeString(key)}:${writeJson(value, sorted)}`).join('');
  }

  private typeAliases(node: JsonNode, name: FullName): string {
    const names = strings(member(node, 'aliases')).map((alias) => fullName(alias, name.space));
    const unique = [...new Map(names.map((n) => [n.full, n])).values()];
    if (unique.length === 0) return '';
    const written =
      this.form === 'canonical'
        ? unique.map((alias) => qualify(alias, name.space))
        : unique.map((alias) => alias.full).sort(compareCodePoints);
    return `,"aliases":[${written.map(writeString).join(',')}]`;
  }

  private fieldAliases(node: JsonNode): string {
    const unique = [...new Set(strings(member(node, 'aliases')))];
    if (unique.length === 0) return '';
    const written = this.form === 'canonical' ? unique : unique.sort(compareCodePoints);
    return `"aliases":[${written.map(writeString).join(',')}]`;
  }

  private reference(raw: string, space: string | null): string {
    let name = fullName(raw, space);
    // Like Java, a short name not found in the enclosing namespace may name a type without one.
    if (!this.defined.has(name.full) && !raw.includes('.') && this.defined.has(raw)) name = fullName(raw, null);
    return this.qualifiedReference(name, space);
  }

  private qualifiedReference(name: FullName, space: string | null): string {
    return writeString(this.form === 'canonical' ? qualify(name, space) : name.full);
  }
}

/** Java's `Name#getQualified(space)`: the short name when in `space` (unless it is a type name), else the full one. */
function qualify(name: FullName, space: string | null): string {
  return name.space !== null && name.space === space && !TYPE_NAMES.has(name.name) ? name.name : name.full;
}

function required(node: JsonNode, key: string): JsonNode {
  const value = member(node, key);
  if (value === undefined) throw new Error(`not an Avro schema: no ${key}`);
  return value;
}

function strings(node: JsonNode | undefined): string[] {
  return node?.kind === 'array' ? node.items.flatMap((item) => (item.kind === 'string' ? [item.value] : [])) : [];
}
