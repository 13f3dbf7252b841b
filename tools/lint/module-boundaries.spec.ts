/**
 * The module-boundary rules of eslint.config.mjs, applied by the real Nx rule to a throwaway
 * workspace with one project per scope: a deliberate cross-scope import must fail lint.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

function write(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

describe('module boundaries', () => {
  let workspace: string;

  function project(name: string, tags: string[], source: string): void {
    write(path.join(workspace, 'libs', name, 'project.json'), JSON.stringify({ name, sourceRoot: `libs/${name}/src`, projectType: 'library', tags }));
    write(path.join(workspace, 'libs', name, 'src', 'index.ts'), source);
  }

  async function lint(name: string): Promise<LintMessage[]> {
    const file = path.join(workspace, 'libs', name, 'src', 'index.ts');
    const { stdout } = await run(path.join(repo, 'node_modules/.bin/eslint'), ['--format', 'json', file], { cwd: workspace }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout }),
    );
    const [result] = JSON.parse(stdout) as { messages: LintMessage[] }[];
    return result?.messages ?? [];
  }

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'stafett-boundaries-'));
    symlinkSync(path.join(repo, 'node_modules'), path.join(workspace, 'node_modules'));
    write(path.join(workspace, 'package.json'), JSON.stringify({ name: 'boundaries-fixture', private: true }));
    write(path.join(workspace, 'nx.json'), JSON.stringify({ neverConnectToCloud: true }));
    const paths = Object.fromEntries(['person-feature', 'group-feature', 'shared-util', 'person-contract'].map((n) => [`@fixture/${n}`, [`./libs/${n}/src/index.ts`]]));
    write(path.join(workspace, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { paths } }));
    // The repo's real constraints, with the real Nx rule (without the type-aware rules).
    write(
      path.join(workspace, 'eslint.config.mjs'),
      `import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { depConstraints } from ${JSON.stringify(path.join(repo, 'eslint.config.mjs'))};
export default [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@nx': nx },
  rules: { '@nx/enforce-module-boundaries': ['error', { depConstraints, allow: [] }] } }];
`,
    );
    project('group-feature', ['type:feature', 'scope:group'], 'export const group = 1;\n');
    project('shared-util', ['type:util', 'scope:shared'], 'export const util = 1;\n');
    project('person-contract', ['type:contract', 'scope:person'], "import { util } from '@fixture/shared-util';\nexport const c = util;\n");
    project('person-feature', ['type:feature', 'scope:person'], "import { group } from '@fixture/group-feature';\nimport { util } from '@fixture/shared-util';\nexport const p = group + util;\n");
    await run(path.join(repo, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: workspace, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  }, 60_000);

  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
  });

  it('should fail a person project that imports group code', async () => {
    const messages = await lint('person-feature');
    expect(messages).toEqual([
      {
        ...messages[0],
        ruleId: '@nx/enforce-module-boundaries',
        message: 'A project tagged with "scope:person" can only depend on libs tagged with "scope:person", "scope:shared"',
      },
    ]);
  }, 60_000);

  it('should fail a contract that imports anything', async () => {
    const messages = await lint('person-contract');
    expect(messages.map((m) => m.message)).toEqual(['A project tagged with "type:contract" cannot depend on any libs with tags']);
  }, 60_000);

  it('should pass a project that imports only shared utilities', async () => {
    expect(await lint('shared-util')).toEqual([]);
  }, 60_000);
});
