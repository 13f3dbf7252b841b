import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const repo = path.resolve(__dirname, '..', '..');

/** Apps that are tools, not deployables (`npm run bench`). */
const NOT_DEPLOYED = new Set(['bench']);

/** Every deployable: an app with an entry point (apps/<name>/src/main.ts) that is not a tool. */
export function deployables(): string[] {
  return readdirSync(path.join(repo, 'apps'))
    .filter((name) => !NOT_DEPLOYED.has(name) && existsSync(path.join(repo, 'apps', name, 'src', 'main.ts')))
    .sort();
}
