import { Injectable, Logger, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { TopicNames } from '@stafett/contracts';
import { AvroSerde, KAFKA_CLIENT, RetryingStart, type KafkaClientPort } from '@stafett/kafka';
import { poolOf } from '@stafett/persistence';
import { SourceRuntime, type SourceRuntimeOptions } from '../runtime/source-runtime';

export const CONNECTOR_RUNTIME_OPTIONS = Symbol('CONNECTOR_RUNTIME_OPTIONS');

export type ConnectorRuntimeModuleOptions = Partial<Pick<SourceRuntimeOptions, 'batchSize' | 'maxInFlight' | 'pollIntervalMs' | 'resultsTimeoutMs' | 'drainMs'>> & {
  /** Prepended to every topic and the consumer group; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
};

/** Starts the runtime's results consumer once the app runs (retrying while Kafka is away); cancels runs and stops it before the pool closes. */
@Injectable()
class ConnectorRuntimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('connect');
  private readonly start: RetryingStart;

  constructor(
    private readonly runtime: SourceRuntime,
    kafka: KafkaClientPort,
  ) {
    this.start = new RetryingStart('connector runtime', { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
  }

  onApplicationBootstrap(): void {
    this.start.begin(
      () => this.runtime.start(),
      async () => undefined,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.start.stop();
    await this.runtime.stop();
  }
}

/**
 * The Nest face of the source runtime: `SourceRuntime` for the app, on its Kafka client, serde and
 * database pool. Needs `KafkaModule`, `StafettConfigModule` and a TypeORM DataSource with
 * `CONNECT_RUNTIME_MIGRATIONS`.
 */
@Module({})
export class ConnectorRuntimeModule {
  static forRoot(options: ConnectorRuntimeModuleOptions = {}): DynamicModule {
    const log = new Logger('connect');
    return {
      module: ConnectorRuntimeModule,
      providers: [
        { provide: CONNECTOR_RUNTIME_OPTIONS, useValue: options },
        {
          provide: SourceRuntime,
          inject: [KAFKA_CLIENT, AvroSerde, getDataSourceToken(), STAFETT_CONFIG, CONNECTOR_RUNTIME_OPTIONS],
          useFactory: (kafka: KafkaClientPort, serde: AvroSerde, dataSource: DataSource, config: StafettConfig, o: ConnectorRuntimeModuleOptions) =>
            new SourceRuntime({
              ...o,
              kafka,
              serde,
              pool: poolOf(dataSource),
              topics: new TopicNames(o.topicPrefix ?? config.topicPrefix),
              log: { info: (obj, msg) => log.log({ ...obj, msg }), warn: (obj, msg) => log.warn({ ...obj, msg }) },
            }),
        },
        {
          provide: ConnectorRuntimeLifecycle,
          inject: [SourceRuntime, KAFKA_CLIENT],
          useFactory: (runtime: SourceRuntime, kafka: KafkaClientPort) => new ConnectorRuntimeLifecycle(runtime, kafka),
        },
      ],
      exports: [SourceRuntime],
    };
  }
}
