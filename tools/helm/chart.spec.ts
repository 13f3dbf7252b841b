import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const repo = path.resolve(__dirname, '..', '..');
const chart = path.join(repo, 'charts/stafett');

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { containers?: Record<string, unknown>[] } } };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

describe('charts/stafett', () => {
  const helm = execFileSync(path.join(repo, 'tools/helm/ensure-helm.sh'), { encoding: 'utf8' }).trim();
  const template = (...args: string[]): Manifest[] =>
    parseAllDocuments(execFileSync(helm, ['template', 'demo', chart, ...args], { encoding: 'utf8' }))
      .map((d) => d.toJS() as Manifest)
      .filter((m) => m !== null);

  it('should pass helm lint --strict', () => {
    const out = execFileSync(helm, ['lint', '--strict', chart], { encoding: 'utf8' });
    expect(out).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('should run the platform with the documented configuration and health probes', () => {
    const manifests = template('--set', 'secrets.STAFETT_ADMIN_API_KEY=a-key-for-the-chart-test');
    const byKind = Object.fromEntries(manifests.map((m) => [m.kind, m]));
    expect(Object.keys(byKind).sort()).toEqual(['ConfigMap', 'Deployment', 'Secret', 'Service']);
    expect(byKind['ConfigMap'].data).toEqual({ PORT: '8080', KAFKA_BROKERS: 'kafka:9092', LOG_LEVEL: 'info' });
    expect(Object.keys(byKind['Secret'].stringData!).sort()).toEqual(['DATABASE_URL', 'STAFETT_ADMIN_API_KEY']);
    const [container] = byKind['Deployment'].spec!.template!.spec!.containers!;
    expect(container).toMatchObject({
      livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
      readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
      envFrom: [{ configMapRef: { name: 'demo-stafett' } }, { secretRef: { name: 'demo-stafett' } }],
    });
  });

  it('should use an existing secret instead of rendering one', () => {
    const manifests = template('--set', 'existingSecret=platform-secrets');
    expect(manifests.map((m) => m.kind)).not.toContain('Secret');
    const [container] = manifests.find((m) => m.kind === 'Deployment')!.spec!.template!.spec!.containers!;
    expect(container).toMatchObject({ envFrom: [{ configMapRef: {} }, { secretRef: { name: 'platform-secrets' } }] });
  });
});
