import { Logger } from '@nestjs/common';
import { crashAt, type StafettConfig } from '@stafett/config';
import { RetryingStart, type KafkaClientPort, type KafkaProducerPort } from '@stafett/kafka';
import { OutboxRelay } from '@stafett/outbox';
import type { PipelineMetrics } from '../metrics/pipeline-metrics';

/** Publishes an entity's outbox (`<schema>.outbox`) with its own idempotent producer. */
export class EntityOutboxRelay {
  private readonly log: Logger;
  private readonly start: RetryingStart;
  private relay: OutboxRelay | undefined;
  private producer: KafkaProducerPort | undefined;

  constructor(
    private readonly entity: string,
    private readonly schema: string,
    private readonly kafka: KafkaClientPort,
    private readonly config: StafettConfig,
    private readonly metrics: PipelineMetrics,
  ) {
    this.log = new Logger(`${entity}-relay`);
    this.start = new RetryingStart(`${entity} outbox relay`, { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
    metrics.watchBacklog(entity, async () => (this.relay ? this.relay.backlog() : 0));
  }

  begin(): void {
    this.start.begin(
      () => this.run(),
      () => this.halt(),
    );
  }

  async end(): Promise<void> {
    await this.start.stop();
    await this.halt();
  }

  private async run(): Promise<void> {
    this.producer = await this.kafka.producer();
    this.relay = new OutboxRelay({
      databaseUrl: this.config.databaseUrl,
      schema: this.schema,
      producer: this.producer,
      logger: {
        info: (o, m) => this.log.log({ ...o, msg: m }),
        warn: (o, m) => this.log.warn({ ...o, msg: m }),
        error: (o, m) => this.log.error({ ...o, msg: m }),
      },
      onPublished: (n, seconds) => {
        this.metrics.published.inc({ entity: this.entity }, n);
        this.metrics.relayRound.observe({ entity: this.entity }, seconds);
      },
      faultPoint: () => crashAt(this.config, 'outbox.after-ack'),
    });
    this.relay.start();
  }

  private async halt(): Promise<void> {
    const { relay, producer } = this;
    this.relay = undefined;
    this.producer = undefined;
    await relay?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
}
