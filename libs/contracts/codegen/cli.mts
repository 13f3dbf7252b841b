// npm run contracts:generate                writes src/generated/contracts.generated.ts
// npm run contracts:generate -- --release v2  also snapshots every top-level schema into released/v2/,
//                                             the versions later schemas must stay readable for.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateContracts, releasedSchemas } from './generate-contracts.ts';

const root = path.resolve(import.meta.dirname, '..');
const target = path.join(root, 'src/generated/contracts.generated.ts');
writeFileSync(target, generateContracts(path.join(root, 'avro')));
process.stderr.write(`contracts: wrote ${path.relative(process.cwd(), target)}\n`);

const releaseAt = process.argv.indexOf('--release');
if (releaseAt > 0) {
  const tag = process.argv[releaseAt + 1];
  if (!tag || !/^v\d+$/.test(tag)) throw new Error('--release needs a tag like v2');
  const dir = path.join(root, 'released', tag);
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(releasedSchemas(path.join(root, 'avro')))) {
    writeFileSync(path.join(dir, `${name}.avsc`), `${JSON.stringify(schema, null, 2)}\n`);
  }
  process.stderr.write(`contracts: snapshot of every top-level schema in ${path.relative(process.cwd(), dir)}\n`);
}
