import { ApiKeyService } from '@stafett/api';
import type { INestApplication } from '@nestjs/common';
import { demoData, DEMO_SYSTEM, type DemoRecord } from './demo-data';

export interface DemoProgress {
  (message: string, details?: Record<string, unknown>): void;
}

interface Report {
  status: 'PENDING' | 'DONE';
  counts: Record<'created' | 'updated' | 'unchanged' | 'deleted' | 'rejected', number>;
  results: { externalId: string; outcome: string; reasons: { code: string; field?: string | null; message: string }[] }[];
}

export interface DemoSummary {
  readonly batches: readonly { readonly entity: string; readonly batchId: string; readonly counts: Report['counts'] }[];
  readonly rejected: number;
}

const STEPS: readonly (keyof ReturnType<typeof demoData>)[] = ['organisations', 'persons', 'groups', 'activities'];

/**
 * Loads the demo register through the public import path: one `POST /v1/imports` per entity,
 * organisations first, each batch followed to DONE through `GET /v1/imports/:batchId`. Uses a
 * short-lived import key it creates for itself (the bootstrap admin key is never printed again).
 */
export async function loadDemo(app: INestApplication, baseUrl: string, progress: DemoProgress, timeoutMs = 300_000): Promise<DemoSummary> {
  const data = demoData();
  const { key } = await app.get(ApiKeyService).create({ name: `demo-loader-${Date.now()}`, roles: ['import', 'read'], expiresAt: new Date(Date.now() + 3_600_000) });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const batches: { entity: string; batchId: string; counts: Report['counts'] }[] = [];
  let rejected = 0;
  for (const step of STEPS) {
    const records: DemoRecord[] = data[step];
    const res = await fetch(`${baseUrl}/v1/imports`, { method: 'POST', headers, body: JSON.stringify({ source: { system: DEMO_SYSTEM, connectorId: 'demo-loader' }, records }) });
    if (res.status !== 202) throw new Error(`the demo's ${step} were refused: ${res.status} ${await res.text()}`);
    const { batchId } = (await res.json()) as { batchId: string };
    progress(`demo: ${records.length} ${step} submitted`, { batchId });
    const deadline = Date.now() + timeoutMs;
    let report: Report;
    for (;;) {
      const got = await fetch(`${baseUrl}/v1/imports/${batchId}`, { headers });
      report = (await got.json()) as Report;
      if (report.status === 'DONE') break;
      if (Date.now() > deadline) throw new Error(`the demo's ${step} batch ${batchId} was not done after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const failed = report.results.filter((r) => r.outcome === 'REJECTED');
    rejected += failed.length;
    for (const f of failed.slice(0, 5)) progress(`demo: ${step} ${f.externalId} was rejected`, { reasons: f.reasons });
    progress(`demo: ${step} done`, { batchId, ...report.counts });
    batches.push({ entity: step, batchId, counts: report.counts });
  }
  return { batches, rejected };
}
