/**
 * Generates `libs/contracts/src/generated/contracts.generated.ts` from the `.avsc` files (the
 * source of truth): TypeScript types for every named Avro type, and the self-contained schema of
 * every top-level contract (what is registered under `<topic>-value`). Run with
 * `npm run contracts:generate`; a unit test fails when the checked-in file is stale.
 * Uses only erasable TypeScript, so Node runs it directly (type stripping).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { LOGICAL_TYPES } from '../src/logical-types.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type AvroSchema = Json;

/** The contracts that are published on a topic, in the order they appear in the file. */
export const TOP_LEVEL = [
  'se.stafett.organisation.Organisation',
  'se.stafett.organisation.OrganisationChanged',
  'se.stafett.organisation.ImportRecord',
  'se.stafett.person.Person',
  'se.stafett.person.PersonChanged',
  'se.stafett.person.ImportRecord',
  'se.stafett.group.Group',
  'se.stafett.group.GroupChanged',
  'se.stafett.group.ImportRecord',
  'se.stafett.activity.Activity',
  'se.stafett.activity.ActivityChanged',
  'se.stafett.activity.ImportRecord',
  'se.stafett.imports.ImportResult',
  'se.stafett.connect.ConnectorAgreement',
] as const;

function listAvsc(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listAvsc(path.join(dir, e.name)) : e.name.endsWith('.avsc') ? [path.join(dir, e.name)] : []))
    .sort();
}

/** Parses every .avsc, in whatever order their named references allow. */
export function loadAvroDir(avroDir: string): Record<string, avro.Type> {
  const registry: Record<string, avro.Type> = {};
  let pending = listAvsc(avroDir).map((file) => ({ file, schema: JSON.parse(readFileSync(file, 'utf8')) as avro.Schema }));
  while (pending.length > 0) {
    const failed: { file: string; schema: avro.Schema; error: Error }[] = [];
    for (const p of pending) {
      // Parse into a scratch registry first, so a half-parsed file leaves nothing behind.
      const scratch: Record<string, avro.Type> = { ...registry };
      try {
        avro.Type.forSchema(p.schema, { registry: scratch, logicalTypes: LOGICAL_TYPES });
        Object.assign(registry, scratch);
      } catch (e) {
        failed.push({ ...p, error: e as Error });
      }
    }
    if (failed.length === pending.length) {
      throw new Error(failed.map((f) => `${path.relative(avroDir, f.file)}: ${f.error.message}`).join('\n'));
    }
    pending = failed;
  }
  return registry;
}

/** TypeScript name of a named Avro type: the short name, prefixed by its namespace's last segment when shared. */
function tsNames(fullNames: string[]): Map<string, string> {
  const short = (n: string) => n.slice(n.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const n of fullNames) counts.set(short(n), (counts.get(short(n)) ?? 0) + 1);
  const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return new Map(
    fullNames.map((n) => {
      const parts = n.split('.');
      return [n, (counts.get(short(n)) ?? 0) > 1 ? `${pascal(parts[parts.length - 2] ?? '')}${short(n)}` : short(n)];
    }),
  );
}

function tsType(schema: AvroSchema, names: Map<string, string>, namespace: string): string {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'null': return 'null';
      case 'boolean': return 'boolean';
      case 'int': case 'long': case 'float': case 'double': return 'number';
      case 'string': return 'string';
      case 'bytes': return 'Buffer';
      default: {
        const full = schema.includes('.') ? schema : `${namespace}.${schema}`;
        const name = names.get(full) ?? names.get(schema);
        if (!name) throw new Error(`unknown type ${schema}`);
        return name;
      }
    }
  }
  if (Array.isArray(schema)) return schema.map((s) => tsType(s, names, namespace)).join(' | ');
  if (schema === null || typeof schema !== 'object') throw new Error(`unsupported schema ${JSON.stringify(schema)}`);
  const logical = schema['logicalType'];
  if (logical === 'date') return 'string';
  if (logical === 'timestamp-millis') return 'Date';
  switch (schema['type']) {
    case 'array': return `${wrap(tsType(schema['items'], names, namespace))}[]`;
    case 'map': return `Record<string, ${tsType(schema['values'], names, namespace)}>`;
    case 'record': case 'enum': case 'fixed': {
      const name = schema['name'] as string;
      const full = name.includes('.') ? name : `${(schema['namespace'] as string | undefined) ?? namespace}.${name}`;
      const found = names.get(full);
      if (!found) throw new Error(`unknown type ${full}`);
      return found;
    }
    default: return tsType(schema['type'], names, namespace);
  }
}

const wrap = (t: string) => (t.includes(' | ') ? `(${t})` : t);

function doc(text: unknown, indent: string): string {
  return typeof text === 'string' ? `${indent}/** ${text} */\n` : '';
}

/** Renders the generated module. */
export function generateContracts(avroDir: string): string {
  const registry = loadAvroDir(avroDir);
  const named = Object.keys(registry).filter((n) => n.includes('.')).sort();
  const names = tsNames(named);
  const out: string[] = [
    '// GENERATED by libs/contracts/codegen/generate-contracts.ts from libs/contracts/avro/**/*.avsc.',
    '// Do not edit: change the .avsc files and run `npm run contracts:generate`.',
    '',
  ];
  for (const full of named) {
    const type = registry[full];
    const schema = type.schema({ exportAttrs: true }) as { [k: string]: Json };
    const ns = full.slice(0, full.lastIndexOf('.'));
    const tsName = names.get(full)!;
    out.push(`${doc(schema['doc'], '')}`.replace(/\n$/, ''));
    if (type.typeName === 'enum') {
      out.push(`/** Avro enum \`${full}\` */`);
      out.push(`export type ${tsName} = ${(schema['symbols'] as string[]).map((s) => `'${s}'`).join(' | ')};`);
    } else if (type.typeName === 'record') {
      out.push(`/** Avro record \`${full}\` */`);
      out.push(`export interface ${tsName} {`);
      for (const f of schema['fields'] as { [k: string]: Json }[]) {
        const optional = 'default' in f ? '?' : '';
        out.push(`${doc(f['doc'], '  ')}  ${f['name'] as string}${optional}: ${tsType(f['type'], names, ns)};`);
      }
      out.push('}');
    }
    out.push('');
  }
  out.push('/** The self-contained schema of every top-level contract, by full name. */');
  out.push('export const CONTRACT_SCHEMAS = {');
  for (const full of TOP_LEVEL) {
    const type = registry[full];
    if (!type) throw new Error(`top-level contract ${full} has no .avsc`);
    out.push(`  '${full}': ${JSON.stringify(type.schema({ exportAttrs: true }))},`);
  }
  out.push('} as const;');
  out.push('');
  out.push('export type ContractName = keyof typeof CONTRACT_SCHEMAS;');
  out.push('');
  return out.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

/** The self-contained schema of every top-level contract (what a release snapshots). */
export function releasedSchemas(avroDir: string): Record<string, unknown> {
  const registry = loadAvroDir(avroDir);
  return Object.fromEntries(TOP_LEVEL.map((name) => [name, registry[name].schema({ exportAttrs: true })]));
}

export interface CompatibilityProblem {
  readonly contract: string;
  readonly release: string;
  readonly reason: string;
}

/**
 * BACKWARD_TRANSITIVE, as the registry enforces it: the current schema of every contract must read
 * data written with each released version of it. Returns every violation.
 */
export function checkAgainstReleases(current: Record<string, avro.Type>, releasedDir: string): CompatibilityProblem[] {
  const problems: CompatibilityProblem[] = [];
  let releases: string[] = [];
  try {
    releases = readdirSync(releasedDir).sort();
  } catch {
    return problems;
  }
  for (const release of releases) {
    for (const file of readdirSync(path.join(releasedDir, release)).filter((f) => f.endsWith('.avsc'))) {
      const contract = file.replace(/\.avsc$/, '');
      const reader = current[contract];
      if (!reader) {
        problems.push({ contract, release, reason: 'contract was removed' });
        continue;
      }
      const writer = avro.Type.forSchema(JSON.parse(readFileSync(path.join(releasedDir, release, file), 'utf8')) as avro.Schema, {
        logicalTypes: LOGICAL_TYPES,
      });
      try {
        reader.createResolver(writer);
      } catch (e) {
        problems.push({ contract, release, reason: (e as Error).message });
      }
    }
  }
  return problems;
}
