import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@stafett/config';
import { deployables } from '../docker/deployables';

const repo = path.resolve(__dirname, '..', '..');
const chart = path.join(repo, 'charts/stafett');
const production = path.join(chart, 'ci/production-values.yaml');

/** The domain services that run alone (besides the all-in-one), each with its REST resource. */
const DOMAIN_SERVICES = [
  ['organisation-service', '/v1/organisations'],
  ['person-service', '/v1/persons'],
  ['group-service', '/v1/groups'],
  ['activity-service', '/v1/activities'],
] as const;
/** The connectors that run alone (off by default). */
const CONNECTORS = ['connector-calendar', 'connector-lok', 'connector-member-file'] as const;
/** `--set` arguments that turn every connector on. */
const withConnectors = CONNECTORS.flatMap((name) => ['--set', `components.${name}.enabled=true`]);
/** `--set` arguments that turn every domain service off. */
const withoutDomainServices = DOMAIN_SERVICES.flatMap(([name]) => ['--set', `components.${name}.enabled=false`]);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    minAvailable?: number | string;
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    ports?: { name: string; port: number }[];
    rules?: { http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[];
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: { containers?: Container[]; securityContext?: Record<string, unknown>; volumes?: { name: string; secret?: { secretName: string } }[] };
    };
  };
  data?: Record<string, string>;
}

const helm = execFileSync(path.join(repo, 'tools/helm/ensure-helm.sh'), { encoding: 'utf8' }).trim();

/** `helm template`; throws with helm's own message when the values are refused. */
function render(...args: string[]): Manifest[] {
  const run = spawnSync(helm, ['template', 'demo', chart, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr.trim());
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** Problems the Kubernetes OpenAPI schemas find in the objects (tools/helm/validate-manifests.mjs). */
function kubernetesSchemaProblems(manifests: Manifest[]): string[] {
  const out = execFileSync(process.execPath, [path.join(repo, 'tools/helm/validate-manifests.mjs')], { cwd: repo, input: JSON.stringify(manifests), encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const containerOf = (m: Manifest) => m.spec!.template!.spec!.containers![0];
const componentOf = (m: Manifest) => m.metadata.labels?.['app.kubernetes.io/component'];
const envOf = (m: Manifest, configMap: Manifest) => ({ ...configMap.data, ...Object.fromEntries((containerOf(m).env ?? []).map((e) => [e.name, e.value ?? e.valueFrom])) });
/** The Ingress's routes as [path, Service name]. */
const routesOf = (manifests: Manifest[]) => ofKind(manifests, 'Ingress').flatMap((i) => i.spec!.rules![0].http.paths.map((p) => [p.path, p.backend.service.name] as const));

describe.each([
  ['default values', [] as string[]],
  ['production values', ['-f', production]],
])('charts/stafett with %s', (_, values) => {
  const manifests = render(...values);
  const deployments = ofKind(manifests, 'Deployment');

  it('should pass helm lint --strict', () => {
    const out = execFileSync(helm, ['lint', '--strict', chart, ...values], { encoding: 'utf8' });
    expect(out).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('should render only objects that the Kubernetes API schemas accept', () => {
    expect(manifests.length).toBeGreaterThan(0);
    expect(kubernetesSchemaProblems(manifests)).toEqual([]);
  });

  it('should give every component live and ready probes on /health/live and /health/ready', () => {
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      expect({ component: componentOf(d), ...containerOf(d) }).toMatchObject({
        component: componentOf(d),
        livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
        readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
      });
    }
  });

  it('should give every component cpu and memory requests and limits', () => {
    const missing = deployments.flatMap((d) =>
      (['requests', 'limits'] as const).flatMap((k) => ['cpu', 'memory'].filter((r) => !containerOf(d).resources?.[k]?.[r]).map((r) => `${componentOf(d)}: ${k}.${r}`)),
    );
    expect(missing).toEqual([]);
  });

  it('should run every pod as a non-root user without privilege escalation', () => {
    for (const d of deployments) {
      expect([componentOf(d), d.spec!.template!.spec!.securityContext, containerOf(d).securityContext]).toEqual([
        componentOf(d),
        expect.objectContaining({ runAsNonRoot: true, runAsUser: expect.any(Number) }),
        expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }),
      ]);
    }
  });

  it('should migrate in a pre-install/pre-upgrade hook Job and start the services without migrating', () => {
    const [job] = ofKind(manifests, 'Job');
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
    expect(containerOf(job).command).toEqual(['node', '--enable-source-maps', 'dist/apps/stafett/src/main.js', 'migrate']);
    const [configMap] = ofKind(manifests, 'ConfigMap');
    expect(deployments.map((d) => [componentOf(d), envOf(d, configMap)['STAFETT_MIGRATE_AT_START']])).toEqual(deployments.map((d) => [componentOf(d), 'false']));
  });

  it('should give every component a Service, a PodDisruptionBudget and (when autoscaled) an autoscaler selecting its pods', () => {
    for (const d of deployments) {
      const pods = d.spec!.template!.metadata!.labels;
      const service = ofKind(manifests, 'Service').find((s) => s.metadata.name === d.metadata.name);
      const pdb = ofKind(manifests, 'PodDisruptionBudget').find((p) => p.metadata.name === d.metadata.name);
      expect(service?.spec?.selector).toEqual(pods);
      expect(pdb?.spec?.selector?.matchLabels).toEqual(pods);
      const hpa = ofKind(manifests, 'HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef?.name === d.metadata.name);
      expect(hpa === undefined ? d.spec!.replicas : hpa.spec!.minReplicas).toBeGreaterThanOrEqual(1);
    }
  });

  it('should configure the services only through the documented variables (DESIGN §2)', () => {
    const known = new Set<string>(CONFIG_VARIABLES.map((v) => v.name));
    const [configMap] = ofKind(manifests, 'ConfigMap');
    const names = [...Object.keys(configMap.data ?? {}), ...[...deployments, ...ofKind(manifests, 'Job')].flatMap((d) => (containerOf(d).env ?? []).map((e) => e.name))];
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it.each(DOMAIN_SERVICES)('should deploy %s like every domain service: its image, the shared configuration, a Service on its port', (name) => {
    const [configMap] = ofKind(manifests, 'ConfigMap');
    const deployment = deployments.find((d) => componentOf(d) === name);
    expect(deployment).toBeDefined();
    const container = containerOf(deployment!);
    expect(container.image).toMatch(new RegExp(`(^|/)(stafett/)?${name}:0\\.1\\.0$`));
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    expect(envOf(deployment!, configMap)).toMatchObject({
      PORT: '8080',
      KAFKA_BROKERS: expect.any(String),
      SCHEMA_REGISTRY_URL: expect.any(String),
      STAFETT_MIGRATE_AT_START: 'false',
    });
    const service = ofKind(manifests, 'Service').find((s) => componentOf(s) === name);
    expect(service?.metadata.name).toBe(`demo-stafett-${name}`);
    expect(service?.spec?.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080 })]);
  });

  it('should take secrets from existing Secrets by reference and render none', () => {
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    const [configMap] = ofKind(manifests, 'ConfigMap');
    for (const d of deployments) expect(envOf(d, configMap)['DATABASE_URL']).toEqual({ secretKeyRef: { name: 'stafett-database', key: 'DATABASE_URL' } });
  });
});

describe('charts/stafett values', () => {
  const defaults = render();
  const prod = render('-f', production);
  const [prodConfig] = ofKind(prod, 'ConfigMap');

  it('should have a component for every deployable app (kept in step with apps/)', () => {
    const values = parse(readFileSync(path.join(chart, 'values.yaml'), 'utf8')) as { components: Record<string, unknown> };
    expect(Object.keys(values.components).sort()).toEqual(deployables());
  });

  it('should point the services at the built-in registry by default', () => {
    const [configMap] = ofKind(defaults, 'ConfigMap');
    const registry = ofKind(defaults, 'Service').find((s) => componentOf(s) === 'schema-registry')!;
    expect(configMap.data!['SCHEMA_REGISTRY_URL']).toBe(`http://${registry.metadata.name}:${registry.spec!.ports![0].port}`);
  });

  it('should use an external registry instead of deploying the built-in one', () => {
    expect(prodConfig.data!['SCHEMA_REGISTRY_URL']).toBe('https://schema-registry.example.org');
    expect(prod.filter((m) => componentOf(m) === 'schema-registry')).toEqual([]);
  });

  it('should connect to Kafka over TLS with the mounted CA and SASL/SCRAM credentials from a Secret', () => {
    const person = ofKind(prod, 'Deployment').find((d) => componentOf(d) === 'person-service')!;
    const env = envOf(person, prodConfig);
    expect(env).toMatchObject({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: { secretKeyRef: { name: 'stafett-kafka', key: 'username' } },
      KAFKA_SASL_PASSWORD: { secretKeyRef: { name: 'stafett-kafka', key: 'password' } },
    });
    const mount = containerOf(person).volumeMounts!.find((v) => v.name === 'kafka-ca')!;
    expect(env['KAFKA_SSL_CA_FILE']).toBe(`${mount.mountPath}/ca.crt`);
    expect(person.spec!.template!.spec!.volumes!.find((v) => v.name === 'kafka-ca')?.secret?.secretName).toBe('kafka-ca');
  });

  it("should route each enabled component's /v1 paths through the Ingress to its Service", () => {
    expect(routesOf(prod)).toEqual([
      ['/v1/activities', 'demo-stafett-activity-service'],
      ['/v1/groups', 'demo-stafett-group-service'],
      ['/v1/organisations', 'demo-stafett-organisation-service'],
      ['/v1/persons', 'demo-stafett-person-service'],
      ['/v1/imports', 'demo-stafett-person-service'],
    ]);
  });

  it.each([
    ['default values', ['--set', 'ingress.enabled=true']],
    ['production values', ['-f', production]],
    ['the all-in-one beside the services', ['--set', 'ingress.enabled=true', '--set', 'components.stafett.enabled=true']],
  ])('should route every path to a Service that is rendered, with a port named http (%s)', (_, args) => {
    const manifests = render(...args);
    const services = new Map(ofKind(manifests, 'Service').map((s) => [s.metadata.name, s.spec!.ports!.map((p) => p.name)]));
    const routes = routesOf(manifests);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter(([, service]) => !services.get(service)?.includes('http'))).toEqual([]);
  });

  it.each(DOMAIN_SERVICES)('should send %s its resource path, and POST /v1/imports to one service only', (name, resource) => {
    const routes = routesOf(render('--set', 'ingress.enabled=true'));
    expect(routes.filter(([p]) => p === resource)).toEqual([[resource, `demo-stafett-${name}`]]);
    expect(routes.filter(([p]) => p === '/v1/imports')).toEqual([['/v1/imports', 'demo-stafett-person-service']]);
  });

  it.each([
    ['every domain service', [] as string[], ['activity', 'group', 'organisation', 'person']],
    ['the group service disabled', ['--set', 'components.group-service.enabled=false'], ['activity', 'organisation', 'person']],
    ['production values', ['-f', production], ['activity', 'group', 'organisation', 'person']],
  ])("should let the owner of /v1/imports take every enabled domain service's records, and no other service (%s)", (_, args, entities) => {
    const manifests = render(...args);
    const [configMap] = ofKind(manifests, 'ConfigMap');
    const taking = ofKind(manifests, 'Deployment').flatMap((d) => {
      const value = envOf(d, configMap)['STAFETT_IMPORT_ENTITY_TYPES'];
      return value === undefined ? [] : [[componentOf(d), loadConfig({ STAFETT_IMPORT_ENTITY_TYPES: value as string }).importEntityTypes]];
    });
    expect(taking).toEqual([['person-service', entities]]);
  });

  it('should refuse /v1/imports routed to a second service (the Ingress cannot route by entity type)', () => {
    expect(() => render('--set', 'ingress.enabled=true', '--set', 'components.group-service.ingressPaths={/v1/groups,/v1/imports}')).toThrow(
      'ingress path /v1/imports is routed to both group-service and person-service',
    );
  });

  it('should route /v1 of the all-in-one installation to the all-in-one (its default paths)', () => {
    const manifests = render('--set', 'ingress.enabled=true', '--set', 'components.stafett.enabled=true', ...withoutDomainServices);
    expect(routesOf(manifests)).toEqual([
      ['/v1', 'demo-stafett-stafett'],
      ['/registry', 'demo-stafett-stafett'],
      ['/docs', 'demo-stafett-stafett'],
      ['/docs-json', 'demo-stafett-stafett'],
      ['/calendar', 'demo-stafett-stafett'],
    ]);
  });

  it("should route the connectors' paths to them when enabled, the calendar feeds included (they take no API key: the token is the credential)", () => {
    const manifests = render('--set', 'ingress.enabled=true', ...withConnectors);
    expect(routesOf(manifests).filter(([, service]) => service.includes('connector'))).toEqual([
      ['/v1/calendar-feeds', 'demo-stafett-connector-calendar'],
      ['/calendar', 'demo-stafett-connector-calendar'],
      ['/v1/lok', 'demo-stafett-connector-lok'],
      ['/v1/connectors', 'demo-stafett-connector-member-file'],
      ['/v1/member-file', 'demo-stafett-connector-member-file'],
    ]);
  });

  it.each(CONNECTORS)('should deploy %s like the services when enabled: its image, the shared configuration, probes, a Service on its port', (name) => {
    const manifests = render(...withConnectors);
    const [configMap] = ofKind(manifests, 'ConfigMap');
    const deployment = ofKind(manifests, 'Deployment').find((d) => componentOf(d) === name);
    expect(containerOf(deployment!)).toMatchObject({
      image: `stafett/${name}:0.1.0`,
      envFrom: [{ configMapRef: { name: configMap.metadata.name } }],
      readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
    });
    expect(envOf(deployment!, configMap)).toMatchObject({ PORT: '8080', SCHEMA_REGISTRY_URL: expect.any(String), STAFETT_MIGRATE_AT_START: 'false' });
    expect(ofKind(manifests, 'Service').find((s) => componentOf(s) === name)?.spec?.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080 })]);
  });

  it('should deploy no connector by default (an installation enables the ones it uses)', () => {
    expect(defaults.filter((m) => CONNECTORS.some((c) => c === componentOf(m)))).toEqual([]);
  });

  it("should point the connectors at the person service's REST API, else the all-in-one's, else platform.url", () => {
    const platformUrl = (...args: string[]) => ofKind(render(...args), 'ConfigMap')[0].data!['STAFETT_PLATFORM_URL'];
    expect(platformUrl()).toBe('http://demo-stafett-person-service:8080');
    expect(platformUrl('--set', 'components.stafett.enabled=true', ...withoutDomainServices)).toBe('http://demo-stafett-stafett:8080');
    expect(platformUrl('--set', 'platform.url=https://api.stafett.example.org')).toBe('https://api.stafett.example.org');
    expect(() => render('--set', 'platform.url=api.stafett.example.org')).toThrow("at '/platform/url'");
  });

  it('should refuse /calendar routed to both the all-in-one and the calendar connector', () => {
    expect(() => render('--set', 'ingress.enabled=true', '--set', 'components.stafett.enabled=true', '--set', 'components.connector-calendar.enabled=true')).toThrow(
      'ingress path /calendar is routed to both',
    );
  });

  it.each(DOMAIN_SERVICES)('should deploy nothing of %s when it is disabled, and keep the others', (name) => {
    const manifests = render('--set', `components.${name}.enabled=false`);
    expect(manifests.filter((m) => componentOf(m) === name)).toEqual([]);
    expect(ofKind(manifests, 'Deployment').length).toBe(DOMAIN_SERVICES.length);
  });

  it('should run the all-in-one alone with its built-in registry for a small installation', () => {
    const manifests = render('--set', 'components.stafett.enabled=true', ...withoutDomainServices, '--set', 'components.schema-registry.enabled=false');
    expect(ofKind(manifests, 'Deployment').map(componentOf)).toEqual(['stafett']);
    expect(ofKind(manifests, 'ConfigMap')[0].data).not.toHaveProperty('SCHEMA_REGISTRY_URL');
  });

  it('should pass the optional reference wait and change retention only when they are set', () => {
    const [defaultConfig] = ofKind(defaults, 'ConfigMap');
    expect(defaultConfig.data).not.toHaveProperty('STAFETT_REFERENCE_WAIT_MS');
    expect(defaultConfig.data).not.toHaveProperty('STAFETT_CHANGES_RETENTION_DAYS');
    expect(prodConfig.data).toMatchObject({ STAFETT_REFERENCE_WAIT_MS: '3600000', STAFETT_CHANGES_RETENTION_DAYS: '30' });
    const [set] = ofKind(render('--set-string', 'config.STAFETT_REFERENCE_WAIT_MS=60000', '--set-string', 'config.STAFETT_CHANGES_RETENTION_DAYS=7'), 'ConfigMap');
    expect(set.data).toMatchObject({ STAFETT_REFERENCE_WAIT_MS: '60000', STAFETT_CHANGES_RETENTION_DAYS: '7' });
  });

  it('should refuse a reference wait that is not a number of milliseconds', () => {
    expect(() => render('--set-string', 'config.STAFETT_REFERENCE_WAIT_MS=15m')).toThrow("at '/config/STAFETT_REFERENCE_WAIT_MS'");
    expect(() => render('--set', 'config.STAFETT_CHANGES_RETENTION_DAYS=30')).toThrow("at '/config/STAFETT_CHANGES_RETENTION_DAYS'");
  });

  it('should refuse a negative replica count with the value it refused', () => {
    expect(() => render('--set', 'components.person-service.replicas=-1')).toThrow("at '/components/person-service/replicas': minimum: got -1, want 0");
  });

  it('should refuse an unknown component by name', () => {
    expect(() => render('--set', 'components.organisation-servce.enabled=true')).toThrow("at '/components': additional properties 'organisation-servce' not allowed");
  });

  it('should refuse an unknown SASL mechanism', () => {
    expect(() => render('--set', 'kafka.sasl.mechanism=plain')).toThrow("at '/kafka/sasl/mechanism': value must be one of '', 'scram-sha-256', 'scram-sha-512'");
  });

  it('should refuse a SASL mechanism without the Secret holding its credentials', () => {
    expect(() => render('--set', 'kafka.sasl.mechanism=scram-sha-256')).toThrow('kafka.sasl.mechanism is set: name the Secret with the SASL credentials in kafka.sasl.secret.name');
  });

  it('should refuse an external registry URL while the built-in registry is enabled', () => {
    expect(() => render('--set', 'schemaRegistry.url=https://registry.example.org')).toThrow('schemaRegistry.url is set: disable the built-in registry');
  });

  it('should refuse services without any registry', () => {
    expect(() => render('--set', 'components.schema-registry.enabled=false')).toThrow(
      'activity-service, group-service, organisation-service, person-service need a schema registry: set schemaRegistry.url or enable components.schema-registry',
    );
  });
});

describe('the migration Job (main.js migrate of the all-in-one)', () => {
  const platformSchema = readFileSync(path.join(repo, 'apps/stafett/src/platform-schema.ts'), 'utf8');
  const platformMigrations = new Set(/PLATFORM_MIGRATIONS = \[([^\]]*)\]/.exec(platformSchema)?.[1].match(/\b[A-Z_]+_MIGRATIONS\b/g) ?? []);
  const services = deployables().filter((app) => app !== 'stafett');

  it.each(services)("should create every table of %s before it starts (its migrations are the Job's)", (app) => {
    const dir = path.join(repo, 'apps', app, 'src');
    const modules = readdirSync(dir).filter((f) => f.endsWith('.module.ts'));
    // `migrations: [A_MIGRATIONS, …]` (the all-in-one) or `migrations: A_MIGRATIONS` (a domain service on the service host).
    const own = modules.flatMap((f) => /migrations: (\[[^\]]*\]|[A-Z_]+_MIGRATIONS)/.exec(readFileSync(path.join(dir, f), 'utf8'))?.[1].match(/\b[A-Z_]+_MIGRATIONS\b/g) ?? []);
    expect(own.filter((m) => !platformMigrations.has(m))).toEqual([]);
    if (DOMAIN_SERVICES.some(([name]) => name === app)) expect(own.length).toBeGreaterThan(0);
  });

  it('should read the migrations of the person service there (the check above sees them)', () => {
    expect([...platformMigrations]).toEqual(expect.arrayContaining(['API_MIGRATIONS', 'PERSON_MIGRATIONS', 'IMPORTS_MIGRATIONS']));
  });
});
