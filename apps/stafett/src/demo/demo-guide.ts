import type { DemoSummary } from './demo-loader';

/** What a newcomer looks at once the demo is in (printed by `npm start -- --demo`). */
export function demoGuide(base: string, summary: DemoSummary): string {
  const lines = summary.batches.map(
    (b) => `  ${b.entity.padEnd(14)} created ${b.counts.created}, updated ${b.counts.updated}, unchanged ${b.counts.unchanged}, rejected ${b.counts.rejected}`,
  );
  return [
    '',
    'Stafett demo loaded through POST /v1/imports (source system "demo"):',
    ...lines,
    '',
    'Look at:',
    `  ${base}/docs                          the API (Swagger UI); authorize with the admin key printed at first start`,
    `  GET ${base}/v1/organisations?type=FEDERATION   then GET /v1/organisations/<id>/subtree`,
    `  GET ${base}/v1/groups?organisationId=<club id>  and GET /v1/groups/<id>/members`,
    `  GET ${base}/v1/activities?groupId=<id>&from=2026-01-01&to=2026-06-30`,
    `  GET ${base}/v1/changes?entity=activity     the change log, page by nextCursor`,
    `  GET ${base}/v1/imports/${summary.batches[summary.batches.length - 1]?.batchId ?? '<batchId>'}   a batch report`,
    '  Kafka: stafett.<organisation|person|group|activity>.events.v1 and .state.v1 (Avro; schemas at /registry)',
    '',
  ].join('\n');
}
