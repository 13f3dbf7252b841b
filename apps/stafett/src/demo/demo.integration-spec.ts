/**
 * `npm start -- --demo`: the demo register goes in through the public import path and every
 * entity reaches its state topic; loading it again changes nothing.
 */
import type { INestApplication } from '@nestjs/common';
import { TopicNames, type EntityName } from '@stafett/contracts';
import { KafkajsClient, type KafkaConsumerPort } from '@stafett/kafka';
import { freePort, testConfig, testKafkaBrokers, uniqueId, waitFor } from '@stafett/testing';
import { createApp } from '../create-app';
import { demoData } from './demo-data';
import { loadDemo } from './demo-loader';

describe(loadDemo.name, () => {
  let app: INestApplication;
  let base: string;
  let names: TopicNames;
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('demo-reader') });
  const consumers: KafkaConsumerPort[] = [];
  const data = demoData();

  beforeAll(async () => {
    const port = await freePort();
    const config = testConfig({ PORT: String(port) });
    names = new TopicNames(config.topicPrefix);
    app = await createApp(config);
    await app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await client.close();
    await app?.close();
  });

  /** The distinct entity ids on a state topic (latest record per key not a tombstone). */
  async function stateOf(entity: EntityName, expected: number): Promise<number> {
    const live = new Map<string, boolean>();
    const consumer = client.consumer({
      groupId: uniqueId(`demo-${entity}`),
      topics: [names.state(entity)],
      dlqTopic: `${names.dlq}.demo-reader`,
      fromBeginning: true,
      handler: async (messages) => {
        for (const m of messages) live.set(m.key!.toString(), m.value !== null);
      },
    });
    consumers.push(consumer);
    await consumer.start();
    return waitFor(
      `${expected} ${entity} states`,
      () => {
        const n = [...live.values()].filter(Boolean).length;
        return n >= expected ? n : undefined;
      },
      60_000,
    );
  }

  it('should load every demo entity through POST /v1/imports, rejecting none, and put each on its state topic', async () => {
    const progress: string[] = [];
    const summary = await loadDemo(app, base, (m) => progress.push(m), 240_000);
    expect(summary.rejected).toBe(0);
    expect(summary.batches.map((b) => [b.entity, b.counts.created])).toEqual([
      ['organisations', data.organisations.length],
      ['persons', data.persons.length],
      ['groups', data.groups.length],
      ['activities', data.activities.length],
    ]);
    expect(progress).toEqual(expect.arrayContaining([expect.stringContaining('activities done')]));
    expect(await stateOf('organisation', data.organisations.length)).toBe(data.organisations.length);
    expect(await stateOf('person', data.persons.length)).toBe(data.persons.length);
    expect(await stateOf('group', data.groups.length)).toBe(data.groups.length);
    expect(await stateOf('activity', data.activities.length)).toBe(data.activities.length);
  }, 300_000);

  it('should change nothing when the demo is loaded again', async () => {
    const again = await loadDemo(app, base, () => undefined, 240_000);
    for (const b of again.batches) expect([b.entity, b.counts.created, b.counts.updated, b.counts.rejected]).toEqual([b.entity, 0, 0, 0]);
  }, 300_000);
});
