// ESLint flat config: type-aware TypeScript rules and Nx module boundaries on two tag axes
// (type:* and scope:*, see docs/architecture.md and CONVENTIONS).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** What each kind of project may import. `contract` imports nothing. */
const typeConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contract', 'type:util', 'type:sdk'] },
  // A connector's feature lib (scope:connector, e.g. libs/calendar-feeds, which the all-in-one also serves) builds on the connector SDK;
  // the scope axis keeps the SDK (scope:connector) out of the domains.
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contract', 'type:util', 'type:sdk'] },
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:data-access', 'type:contract', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:contract', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contract'] },
  { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contract', 'type:util', 'type:testing'] },
];

/** Which domain a project may see: its own and shared code. Others are read through their events. */
const domains = ['organisation', 'person', 'group', 'activity', 'connector'];
const scopeConstraints = [
  ...domains.map((d) => ({ sourceTag: `scope:${d}`, onlyDependOnLibsWithTags: [`scope:${d}`, 'scope:shared'] })),
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // Only the all-in-one app (apps/stafett) assembles every domain into one process.
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform', 'scope:shared', ...domains.map((d) => `scope:${d}`)] },
];

export const depConstraints = [...typeConstraints, ...scopeConstraints];

/** Tests may also use the shared test helpers (@stafett/testing). */
const testDepConstraints = [
  ...typeConstraints.map((c) => ({ ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] })),
  ...scopeConstraints,
];

const boundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints, banTransitiveDependencies: false },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', '.tools/**', '.nx/**', 'tools/kafka/**', 'coverage/**', '**/*.cjs', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest decorators and DI make these noisy without catching real bugs.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through @stafett/config (loadConfig), not process.env.' },
      ],
    },
  },
  {
    // Entry points and test infrastructure may read the environment.
    files: ['apps/*/src/main.ts', 'apps/bench/**/*.ts', 'libs/testing/**/*.ts', 'libs/test-infra/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts', '**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts', 'tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testDepConstraints),
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  prettier,
);
