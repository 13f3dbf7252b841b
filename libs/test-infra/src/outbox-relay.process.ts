/**
 * An outbox relay in a process of its own, so fault tests can SIGKILL it.
 * Env: DATABASE_URL, KAFKA_BROKERS, OUTBOX_SCHEMA, OUTBOX_BATCH_SIZE (optional).
 * Prints `ready` once it runs; SIGTERM stops it cleanly.
 */
import { KafkajsClient } from '@stafett/kafka';
import { OutboxRelay } from '@stafett/outbox';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  const client = new KafkajsClient({ brokers: env('KAFKA_BROKERS').split(','), clientId: `relay-${process.pid}` });
  const producer = await client.producer();
  const relay = new OutboxRelay({
    databaseUrl: env('DATABASE_URL'),
    schema: env('OUTBOX_SCHEMA'),
    producer,
    batchSize: Number(process.env['OUTBOX_BATCH_SIZE'] ?? 2_000),
    pollIntervalMs: 200,
  });
  relay.start();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void relay
      .stop()
      .then(() => producer.disconnect())
      .then(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`outbox relay process failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
