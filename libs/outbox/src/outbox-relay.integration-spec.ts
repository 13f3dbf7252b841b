/**
 * 10,000 outbox rows written by concurrent transactions that commit out of order; the relay (a
 * real process) is SIGKILLed midway and a new one takes over. Every event reaches Kafka, each
 * aggregate's events in order, none missing; restart duplicates carry the same event id.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { Consumer } from 'kafkajs';
import { KafkajsClient } from '@stafett/kafka';
import { startProcess, testDatabaseUrl, testKafkaBrokers, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';
import { appendToOutbox } from './outbox-writer';
import { outboxTableSql } from './outbox-migration';

const AGGREGATES = 200;
const EVENTS_PER_AGGREGATE = 50;
const TOTAL = AGGREGATES * EVENTS_PER_AGGREGATE;
const EVENTS_PER_TX = 5;
const WRITERS = 8;

interface Seen {
  id: string;
  aggregate: string;
  version: number;
}

describe('OutboxRelay', () => {
  const schema = uniqueId('outbox').replace(/-/g, '_');
  const topic = uniqueId('outbox-events');
  const copies = uniqueId('outbox-copies');
  const pool = new Pool({ connectionString: testDatabaseUrl(), max: WRITERS + 2 });
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('outbox-test') });
  const relays: RunningProcess[] = [];
  let consumer: Consumer;

  beforeAll(async () => {
    for (const sql of outboxTableSql(schema)) await pool.query(sql);
    await pool.query(`CREATE TABLE ${schema}.aggregate (id text PRIMARY KEY, version int NOT NULL)`);
    const admin = await client.admin();
    await admin.createTopics([
      { topic, numPartitions: 6 },
      { topic: copies, numPartitions: 2 },
    ]);
    await admin.disconnect();
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.kill('SIGKILL')));
    await consumer?.disconnect();
    await pool.end();
  });

  function startRelay(): RunningProcess {
    const relay = startProcess('libs/test-infra/src/outbox-relay.process.ts', {
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      OUTBOX_SCHEMA: schema,
      OUTBOX_BATCH_SIZE: '250',
    });
    relays.push(relay);
    return relay;
  }

  /** One transaction: the next version of a few aggregates (locked like a domain service would), then a random delay before commit. */
  async function writeTransaction(aggregates: string[]): Promise<void> {
    const tx = await pool.connect();
    try {
      await tx.query('BEGIN');
      const messages = [];
      for (const aggregate of [...aggregates].sort()) {
        const { rows } = await tx.query<{ version: number }>(
          `INSERT INTO ${schema}.aggregate (id, version) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET version = aggregate.version + 1 RETURNING version`,
          [aggregate],
        );
        const id = randomUUID();
        const version = rows[0].version;
        // One row per change, fanned out to two messages: the event and a copy keyed by the id.
        const value = Buffer.from(JSON.stringify({ id, aggregate, version }));
        messages.push({ aggregateId: aggregate, messages: [{ topic, key: aggregate, value, headers: { id } }, { topic: copies, key: id, value, headers: { id } }] });
      }
      await appendToOutbox(tx, schema, messages);
      await new Promise((r) => setTimeout(r, Math.random() * 15)); // commits land out of order
      await tx.query('COMMIT');
    } catch (e) {
      await tx.query('ROLLBACK');
      throw e;
    } finally {
      tx.release();
    }
  }

  it('should publish every message of every row, in per-aggregate order, across a relay SIGKILL', async () => {
    const received: (Seen & { headerId: string })[] = [];
    consumer = client.kafka.consumer({ groupId: uniqueId('outbox-check') });
    await consumer.connect();
    const copied = new Set<string>();
    await consumer.subscribe({ topics: [topic, copies], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: from, message }) => {
        const body = JSON.parse(message.value!.toString()) as Seen;
        if (from === copies) copied.add(message.key!.toString());
        else received.push({ ...body, headerId: message.headers!['id']!.toString() });
      },
    });

    const first = startRelay();
    await first.waitFor('ready');

    // Each aggregate gets EVENTS_PER_AGGREGATE events; each transaction touches EVENTS_PER_TX distinct ones.
    const remaining = new Map(Array.from({ length: AGGREGATES }, (_, i) => [`agg-${i}`, EVENTS_PER_AGGREGATE]));
    const nextTx = (): string[] | undefined => {
      const open = [...remaining.keys()];
      if (open.length === 0) return undefined;
      const pick = open.sort(() => Math.random() - 0.5).slice(0, EVENTS_PER_TX);
      for (const a of pick) {
        const left = remaining.get(a)! - 1;
        if (left === 0) remaining.delete(a);
        else remaining.set(a, left);
      }
      return pick;
    };
    const writers = Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let aggs = nextTx(); aggs; aggs = nextTx()) await writeTransaction(aggs);
      }),
    );

    await waitFor('a third of the events on the topic', () => (received.length >= TOTAL / 3 ? true : undefined), 120_000, 5);
    await first.kill('SIGKILL');
    const second = startRelay();
    await second.waitFor('ready');
    await writers;

    const distinct = () => new Set(received.map((r) => r.id)).size;
    await waitFor('every event on the topic', () => (distinct() === TOTAL ? true : undefined), 120_000);
    await waitFor('every copy on the second topic', () => (copied.size === TOTAL ? true : undefined), 60_000);
    await waitFor('an empty outbox', async () => {
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.outbox`);
      return rows[0].n === '0' ? true : undefined;
    });

    // Duplicates (sent before the kill, not yet deleted) carry the same id in header and body.
    expect(received.filter((r) => r.headerId !== r.id)).toEqual([]);
    const firstSeen = new Map<string, number[]>();
    const ids = new Set<string>();
    for (const r of received) {
      if (ids.has(r.id)) continue;
      ids.add(r.id);
      firstSeen.set(r.aggregate, [...(firstSeen.get(r.aggregate) ?? []), r.version]);
    }
    const expected = Array.from({ length: EVENTS_PER_AGGREGATE }, (_, i) => i + 1);
    const outOfOrder = [...firstSeen].filter(([, versions]) => versions.join() !== expected.join());
    expect({ aggregates: firstSeen.size, outOfOrder }).toEqual({ aggregates: AGGREGATES, outOfOrder: [] });
    process.stdout.write(`outbox: ${TOTAL} events, ${received.length - TOTAL} duplicate(s) after the SIGKILL\n`);
  }, 300_000);
});
