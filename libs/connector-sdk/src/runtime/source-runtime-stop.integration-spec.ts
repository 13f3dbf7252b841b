/**
 * Stopping the source runtime (the process shuts down) against the real Postgres and Kafka: no run
 * starts after the stop began, and none outlives it. The pool closes right after, so a run recorded
 * while the stop began, and left running, would write to a closed pool (an unhandled rejection).
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { TopicNames, type ConnectorAgreement } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient } from '@stafett/kafka';
import { dropDatabase } from '@stafett/persistence';
import { testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId } from '@stafett/testing';
import type { CheckResult, ConnectorContext, ConnectorSpec, SourceConnector, SourceMessage, StreamDescriptor } from '../connector';
import { connectRuntimeTestPool } from '../test/connect-runtime-test-database';
import { RuntimeStoppedError, SourceRuntime } from './source-runtime';

/** A source that reads nothing until its run is cancelled. */
class WaitingConnector implements SourceConnector<Record<string, never>> {
  spec(): ConnectorSpec {
    return {
      type: 'waiting',
      title: 'Waits (test)',
      description: 'Reads nothing until the run is cancelled.',
      directions: ['IMPORT'],
      configSchema: { type: 'object', additionalProperties: false, properties: {} },
    };
  }

  async check(): Promise<CheckResult> {
    return { ok: true, message: 'Waits.' };
  }

  async discover(): Promise<readonly StreamDescriptor[]> {
    return [];
  }

  async *read(context: ConnectorContext<Record<string, never>>): AsyncIterable<SourceMessage> {
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    yield* [];
  }
}

describe('SourceRuntime.stop', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${uniqueId('connect_stop').replace(/-/g, '_')}`;
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('runtime-stop') });
  const serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  const topics = new TopicNames(`${uniqueId('runtime-stop')}.`);
  let pool: Pool;

  const agreement = (connectorId: string): ConnectorAgreement => ({
    connectorId,
    revision: 1,
    connectorType: 'waiting',
    name: 'waiting under test',
    organisationId: randomUUID(),
    direction: 'IMPORT',
    sourceSystem: `stop-${connectorId}`,
    entities: [{ entity: 'person', fields: [], ownedFields: [], matchKeys: ['externalId'], onDelete: 'IGNORE' }],
    schedule: { kind: 'MANUAL', cron: null },
    config: '{}',
    updatedAt: new Date(),
  });

  beforeAll(async () => {
    pool = await connectRuntimeTestPool(url.toString(), 3);
  }, 60_000);

  afterAll(async () => {
    await client.close();
    await pool?.end();
    await dropDatabase(url.toString()).catch(() => undefined);
  });

  it('should wait for a run being recorded as it begins, end it with the stop, and refuse runs asked after', async () => {
    const runtime = new SourceRuntime({ kafka: client, serde, topics, pool, pollIntervalMs: 50 });
    const first = `first-${randomUUID()}`;
    const late = `late-${randomUUID()}`;
    // The stop begins while the first run is being recorded (its INSERT is on its way).
    const starting = runtime.startRun({ connector: new WaitingConnector(), agreement: agreement(first), input: {} });
    const stopped = runtime.stop();
    await expect(runtime.startRun({ connector: new WaitingConnector(), agreement: agreement(late), input: {} })).rejects.toBeInstanceOf(RuntimeStoppedError);
    const started = await starting;
    await stopped;
    // Once stop() resolved the run has ended and written its end: nothing of it is left to touch the pool.
    expect(runtime.isRunning(first)).toBe(false);
    const { rows } = await pool.query<{ connector_id: string; status: string; error_code: string | null }>(
      'SELECT connector_id, status, error_code FROM connect.run WHERE connector_id = ANY($1::text[])',
      [[first, late]],
    );
    expect(rows).toEqual([{ connector_id: first, status: 'CANCELLED', error_code: 'SHUTDOWN' }]);
    await expect(started.done).resolves.toMatchObject({ runId: started.runId, status: 'CANCELLED', error: { code: 'SHUTDOWN' } });
  });
});
