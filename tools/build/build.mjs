// Compiles apps/ and libs/ (TypeScript, without tests) to dist/ with swc. Type checking is
// separate (`npm run typecheck`); this is the fast path `npm start` takes.
import { transformFile } from '@swc/core';
import { createRequire } from 'node:module';
import { mkdir, readdir, rm, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { root, swcOptions } = require('./swc-options.cjs');
const outDir = path.join(root, 'dist');
const isSource = (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/\.(spec|integration-spec)\.ts$/.test(f);

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__fixtures__' || entry.name === 'test') continue;
      yield* walk(full);
    } else if (isSource(entry.name)) yield full;
  }
}

async function exists(p) { try { await stat(p); return true; } catch { return false; } }

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const options = swcOptions({ rewritePaths: true });
const files = [];
for (const top of ['apps', 'libs']) if (await exists(path.join(root, top))) for await (const f of walk(path.join(root, top))) files.push(f);

await Promise.all(files.map(async (file) => {
  const rel = path.relative(root, file);
  const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
  const { code, map } = await transformFile(file, { ...options, filename: file, outputPath: out, sourceFileName: path.relative(path.dirname(out), file) });
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, map ? `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n` : code);
  if (map) await writeFile(`${out}.map`, map);
}));
process.stderr.write(`build: ${files.length} files to dist/ in ${Date.now() - started} ms\n`);
