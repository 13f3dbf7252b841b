import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type FactoryProvider, type OnApplicationBootstrap } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ApiModule } from '@stafett/api';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { poolOf } from '@stafett/entity-pipeline';
import { AvroSerde, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { LokApplicationService } from './application/lok-application.service';
import { LokProjectionStore } from './database/lok-projection.store';
import { LokController } from './http/lok.controller';
import { LOK_SETTINGS, lokSettings, type LokConnectorOptions, type LokSettings } from './lok-options';
import { LokSink } from './sink/lok-sink';

const storeProvider: FactoryProvider<LokProjectionStore> = {
  provide: LokProjectionStore,
  inject: [getDataSourceToken()],
  useFactory: (dataSource: DataSource) => new LokProjectionStore(poolOf(dataSource)),
};

const sinkProvider: FactoryProvider<LokSink> = {
  provide: LokSink,
  inject: [LokProjectionStore, LOK_SETTINGS, STAFETT_CONFIG, KAFKA_CLIENT, AvroSerde],
  useFactory: (store: LokProjectionStore, settings: LokSettings, config: StafettConfig, kafka: KafkaClientPort, serde: AvroSerde) =>
    new LokSink(store, { connectorId: settings.connectorId, kafka, serde, topicPrefix: config.topicPrefix, registry: register }),
};

/** Starts the sink once the app runs (in the background, retrying while Kafka is away); stops it before the database pool closes. */
class LokLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly sink: LokSink,
    @Inject(LOK_SETTINGS) private readonly settings: LokSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.sink) this.sink.begin();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sink.stop();
  }
}

/**
 * The LOK-stöd connector: its projection (`lok` schema) fed by the state topics through the SDK's
 * sink transport, and `/v1/lok`. Needs (from the app) a TypeORM DataSource with `LOK_MIGRATIONS`
 * and the `@stafett/api` ones, `KafkaModule`, `StafettConfigModule` and `configureApiHttp`.
 */
@Module({})
export class LokModule {
  static forRoot(options: LokConnectorOptions = {}): DynamicModule {
    return {
      module: LokModule,
      imports: [ApiModule],
      controllers: [LokController],
      providers: [
        { provide: LOK_SETTINGS, useValue: lokSettings(options) },
        storeProvider,
        sinkProvider,
        LokApplicationService,
        { provide: LokLifecycle, inject: [LokSink, LOK_SETTINGS], useFactory: (sink: LokSink, settings: LokSettings) => new LokLifecycle(sink, settings) },
      ],
      exports: [LokProjectionStore, LokApplicationService, LokSink],
    };
  }
}
