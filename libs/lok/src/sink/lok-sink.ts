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
    });
    this.app = NestFactory.createMicroservice(LokSinkModule.with(this.store), { strategy: this.transport, logger: ['error', 'warn'] });
    await (await this.app).listen();
  }

  /** Ends the sink, a start still retrying included. */
  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await (await app)?.close();
  }

  get counts(): StafettKafkaTransport['counts'] | undefined {
    return this.transport?.counts;
  }
}
