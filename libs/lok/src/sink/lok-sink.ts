import { Logger, Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Registry } from 'prom-client';
import { StafettKafkaTransport } from '@stafett/connector-sdk';
import type { AvroSerde, KafkaClientPort } from '@stafett/kafka';
import { LokProjectionStore } from '../database/lok-projection.store';
import { LokStateController } from './lok-state.controller';

@Module({})
class LokSinkModule {
  static with(store: LokProjectionStore): DynamicModule {
    return { module: LokSinkModule, controllers: [LokStateController], providers: [{ provide: LokProjectionStore, useValue: store }] };
  }
}

/** How long a shutdown waits for a sink whose start is still trying to reach Kafka. */
const STOP_WAIT_MS = 10_000;

export interface LokSinkOptions {
  readonly connectorId: string;
  readonly kafka: KafkaClientPort;
  readonly serde: AvroSerde;
  readonly topicPrefix: string;
  readonly registry?: Registry;
}

/**
 * The connector's sink as a Nest microservice of its own (only `LokStateController`'s handlers),
 * served by the SDK's `StafettKafkaTransport`: whatever else runs in the host app (the all-in-one,
 * other connectors) is not handed to this transport.
 */
export class LokSink {
  private app: Promise<INestMicroservice> | undefined;
  private transport: StafettKafkaTransport | undefined;
  private readonly logger = new Logger('connector-lok');

  constructor(
    private readonly store: LokProjectionStore,
    private readonly options: LokSinkOptions,
  ) {}

  /** Starts in the background: the transport retries while Kafka or the registry is away (the app keeps starting and reports not-ready). */
  begin(): void {
    void this.listen().catch((e: unknown) => this.logger.error({ error: (e as Error).message }, 'the LOK-stöd sink did not start'));
  }

  /** Starts now: resolves once the consumer joined its group (tests). */
  async listen(): Promise<void> {
    this.transport = new StafettKafkaTransport({
      connectorId: this.options.connectorId,
      kafka: this.options.kafka,
      serde: this.options.serde,
      topicPrefix: this.options.topicPrefix,
      registry: this.options.registry,
      // Person slices are written at once (a batch handler).
      maxBatchSize: 500,
    });
    this.app = NestFactory.createMicroservice(LokSinkModule.with(this.store), { strategy: this.transport, logger: ['error', 'warn'] });
    await (await this.app).listen();
  }

  /**
   * Ends the sink, a start still retrying included. With Kafka up this returns once the slice in hand
   * is done and the group is left. With Kafka away, a connection attempt in flight can take a minute
   * to give up; the app's shutdown does not wait for more than `STOP_WAIT_MS` of it (nothing is
   * consumed then, so nothing is left half done; the attempt ends on its own and starts nothing).
   */
  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    const closing = (async () => (await app)?.close())();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_WAIT_MS)));
    const outcome = await Promise.race([closing.then(() => 'closed' as const), waited]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn({ waitedMs: STOP_WAIT_MS }, 'the LOK-stöd sink is still waiting for Kafka; shutting down without it');
      closing.catch(() => undefined);
    }
  }

  get counts(): StafettKafkaTransport['counts'] | undefined {
    return this.transport?.counts;
  }
}
