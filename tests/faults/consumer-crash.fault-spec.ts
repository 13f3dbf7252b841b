/**
 * A consumer crash kafkajs does not restart from. kafkajs restarts a consumer after a retriable
 * error; after one it deems non-retriable it emits CRASH with `restart: false` and stays stopped.
 * That happens to a member the coordinator forgot while it re-joined ("The coordinator is not aware
 * of this member", seen under load) and to a member a full group turns away. The latter is what a
 * broker with `group.max.size=1` does on demand, so this private broker reproduces the crash: the
 * second member is turned away, and must take over once the first leaves instead of stopping for
 * good while the process looks alive.
 */
import { randomUUID } from 'node:crypto';
import { KafkajsClient, type KafkaConsumerPort, type KafkaLogSink, type KafkaProducerPort } from '@stafett/kafka';
import { waitFor } from '@stafett/testing';
import { startPrivateKafka, type PrivateKafka } from './support/private-kafka';

const TOPIC = 'stafett.crash-test.v1';
const GROUP = 'crash-test';

describe('fault: a consumer crash kafkajs does not restart from (a full group turns the member away)', () => {
  let kafka: PrivateKafka | undefined;
  let client: KafkajsClient;
  let producer: KafkaProducerPort;
  const errors: { msg: string; obj: Record<string, unknown> }[] = [];
  const log: KafkaLogSink = {
    error: (obj, msg) => errors.push({ msg, obj: obj as Record<string, unknown> }),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  };
  const consumers: KafkaConsumerPort[] = [];
  /** What the member that took over read (the second test checks it reads on). */
  const second: string[] = [];

  beforeAll(async () => {
    kafka = await startPrivateKafka({ 'group.max.size': '1' });
    client = new KafkajsClient({ brokers: kafka.brokers, clientId: 'crash-test', logger: log });
    const admin = await client.admin();
    await admin.createTopics([{ topic: TOPIC, numPartitions: 2, replicationFactor: 1 }, { topic: `${TOPIC}.dlq` }]);
    await admin.disconnect();
    producer = await client.producer();
  }, 180_000);

  afterAll(async () => {
    try {
      for (const c of consumers) await c.stop();
      await producer?.disconnect();
    } finally {
      await kafka?.destroy();
    }
  }, 120_000);

  /** A consumer of the group that records the values it is given. */
  function member(received: string[]): KafkaConsumerPort {
    const consumer = client.consumer({
      groupId: GROUP,
      topics: [TOPIC],
      dlqTopic: `${TOPIC}.dlq`,
      sessionTimeoutMs: 10_000,
      handler: async (messages) => {
        for (const m of messages) received.push(m.value!.toString());
      },
    });
    consumers.push(consumer);
    return consumer;
  }

  async function produce(wave: string, count: number): Promise<string[]> {
    const values = Array.from({ length: count }, (_, i) => `${wave}-${i}-${randomUUID()}`);
    await producer.send(values.map((v, i) => ({ topic: TOPIC, key: `k${i}`, value: Buffer.from(v) })));
    return values;
  }

  /** Waits until `condition` holds (the shared `waitFor`, for a boolean). */
  const until = (what: string, condition: () => boolean, timeoutMs: number) => waitFor(what, () => condition() || undefined, timeoutMs, 100);

  it('should start a new consumer after the crash and take over the partitions once the group has room', async () => {
    const first: string[] = [];
    await member(first).start();
    const wave1 = await produce('wave1', 20);
    await until('the first member to read wave 1', () => wave1.every((v) => first.includes(v)), 30_000);

    // The second member is turned away: kafkajs crashes it for good, our adapter logs and retries.
    let secondStarted = false;
    const secondStart = member(second)
      .start()
      .then(() => (secondStarted = true));
    await until('kafkajs to crash the second member', () => errors.some((e) => /^Crash: .*(maximum number of members|max size)/i.test(e.msg)), 60_000);
    expect(secondStarted).toBe(false);

    // The first member leaves: the second joins (at its next attempt) and consumes what follows.
    await consumers[0].stop();
    await until('the second member to join the group', () => secondStarted, 60_000);
    await secondStart;
    const wave2 = await produce('wave2', 20);
    await until('the second member to read wave 2', () => wave2.every((v) => second.includes(v)), 60_000);
    expect(second.filter((v) => v.startsWith('wave1-'))).toEqual([]); // committed by the first member: not read again
    // Each crash was reported, with the group and the reason.
    const relaunches = errors.filter((e) => e.msg === 'consumer stopped on an error kafkajs does not retry; starting a new one');
    expect(relaunches.length).toBeGreaterThan(0);
    expect(relaunches[0].obj).toMatchObject({ group: GROUP, error: expect.stringMatching(/maximum number of members/) });
    process.stdout.write(`faults/consumer-crash: the turned-away member crashed ${relaunches.length} time(s) before the group had room; it then read ${second.length} records\n`);
  }, 180_000);

  it('should stop a member that is still turned away: its start returns and nothing of it runs on', async () => {
    const third: string[] = [];
    const crashes = () => errors.filter((e) => e.msg.startsWith('Crash: ')).length;
    const before = crashes();
    const consumer = member(third);
    const starting = consumer.start();
    await until('the third member to be turned away', () => crashes() > before, 60_000);
    await consumer.stop();
    await starting; // returns: stopped before it ever joined
    const atStop = crashes();
    // The group's member reads on; the stopped one neither reads nor tries again (its next try was due within 2 s).
    const wave3 = await produce('wave3', 20);
    await until('the second member to read wave 3', () => wave3.every((v) => second.includes(v)), 60_000);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(crashes()).toBe(atStop);
    expect(third).toEqual([]);
  }, 120_000);
});
