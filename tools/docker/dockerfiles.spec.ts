import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { DockerfileParser, ModifiableInstruction, type Dockerfile } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { NODE_FLAGS } from '@stafett/config';
import { buildDist } from '@stafett/testing';
import { deployables, repo } from './deployables';

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: { keyword: string; args: string; flags: Record<string, string> }[];
}

/** The Dockerfile's stages with their base image, `ARG` defaults substituted. */
function stages(dockerfile: Dockerfile): Stage[] {
  const args = new Map<string, string>();
  const out: Stage[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'ARG' && out.length === 0) {
      const [name, value] = i.getArgumentsContent()!.split('=');
      args.set(name, value ?? '');
    } else if (i.getKeyword() === 'FROM') {
      const [image, , name] = i.getArgumentsContent()!.split(/\s+/);
      out.push({ image: image.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? ''), name, instructions: [] });
    } else if (out.length > 0) {
      const flags = i instanceof ModifiableInstruction ? Object.fromEntries(i.getFlags().map((f) => [f.getName(), f.getValue() ?? ''])) : {};
      out.at(-1)!.instructions.push({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? '', flags });
    }
  }
  return out;
}

const packageJson = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const builtins = new Set(builtinModules);
const packageName = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

/** Walks the compiled entry point's requires: files outside `copied` and packages that are not production dependencies. */
function missingAtRuntime(entry: string, copied: readonly string[]): string[] {
  const missing = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!copied.some((dir) => file.startsWith(`${dir}/`))) missing.add(path.relative(repo, file));
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const resolved = [target, `${target}.js`, path.join(target, 'index.js')].find((f) => existsSync(f) && statSync(f).isFile());
        if (resolved) queue.push(resolved);
        else missing.add(`${path.relative(repo, target)} (required by ${path.relative(repo, file)})`);
      } else if (!specifier.startsWith('node:') && !builtins.has(specifier) && !(packageName(specifier) in packageJson.dependencies)) {
        missing.add(`package ${packageName(specifier)}`);
      }
    }
  }
  return [...missing].sort();
}

describe.each(deployables())('apps/%s/Dockerfile', (app) => {
  const text = readFileSync(path.join(repo, 'apps', app, 'Dockerfile'), 'utf8');
  const all = stages(DockerfileParser.parse(text));
  const runtime = all.at(-1)!;
  const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;

  it('should pass the Dockerfile linter without a warning', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`)).toEqual([]);
  });

  it('should build in separate stages and run on the Node 24 image', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.map((s) => s.image).filter((image) => !/^node:24(-|$)/.test(image))).toEqual([]);
  });

  it('should run as an unprivileged numeric user (Kubernetes runAsNonRoot can check it)', () => {
    expect(last('USER')).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it("should start the app's compiled entry point and check its liveness endpoint", () => {
    expect(JSON.parse(last('CMD')!)).toEqual(['node', '--enable-source-maps', ...NODE_FLAGS, `dist/apps/${app}/src/main.js`]);
    expect(last('HEALTHCHECK')).toContain('/health/live');
  });

  it('should ship only production dependencies and the compiled code, not the sources', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => c.args.split(/\s+/)[0]).filter((src) => /^(apps|libs|tools)\b/.test(src))).toEqual([]);
    const deps = all.find((s) => s.name === copies.find((c) => c.args.startsWith('/app/node_modules'))?.flags['from']);
    expect(deps?.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)).toEqual([expect.stringContaining('npm ci --omit=dev')]);
  });

  it('should copy everything the compiled app requires at run time', () => {
    buildDist();
    const copied = runtime.instructions
      .filter((i) => i.keyword === 'COPY' && i.flags['from'] !== undefined)
      .map((i) => path.join(repo, path.relative('/app', i.args.split(/\s+/)[0])));
    expect(missingAtRuntime(path.join(repo, 'dist/apps', app, 'src/main.js'), copied)).toEqual([]);
  });
});
