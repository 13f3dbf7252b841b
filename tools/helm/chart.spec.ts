import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES } from '@stafett/config';
import { deployables } from '../docker/deployables';

const repo = path.resolve(__dirname, '..', '..');
const chart = path.join(repo, 'charts/stafett');
const production = path.join(chart, 'ci/production-values.yaml');

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
    const [ingress] = ofKind(prod, 'Ingress');
    const routes = ingress.spec!.rules![0].http.paths.map((p) => [p.path, p.backend.service.name]);
    expect(routes).toEqual([
      ['/v1/organisations', 'demo-stafett-organisation-service'],
      ['/v1/persons', 'demo-stafett-person-service'],
      ['/v1/imports', 'demo-stafett-person-service'],
    ]);
    expect(ofKind(prod, 'Service').map((s) => s.metadata.name)).toContain('demo-stafett-person-service');
  });

  it('should deploy nothing of a disabled component', () => {
    const manifests = render('--set', 'components.person-service.enabled=false');
    expect(manifests.filter((m) => componentOf(m) === 'person-service')).toEqual([]);
  });

  it('should run the all-in-one alone with its built-in registry for a small installation', () => {
    const manifests = render(
      '--set',
      'components.stafett.enabled=true',
      '--set',
      'components.person-service.enabled=false',
      '--set',
      'components.organisation-service.enabled=false',
      '--set',
      'components.schema-registry.enabled=false',
    );
    expect(ofKind(manifests, 'Deployment').map(componentOf)).toEqual(['stafett']);
    expect(ofKind(manifests, 'ConfigMap')[0].data).not.toHaveProperty('SCHEMA_REGISTRY_URL');
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
      'person-service need a schema registry: set schemaRegistry.url or enable components.schema-registry',
    );
  });
});
