import { Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiModule } from '@stafett/api';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { ConnectorRuntimeModule, type SourceConnector } from '@stafett/connector-sdk';
import { TopicNames } from '@stafett/contracts';
import { AvroSerde, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { poolOf } from '@stafett/persistence';
import { CONNECTOR_TYPES, CONNECTORS_OPTIONS, ORGANISATION_SUBTREES, ROOT_ONLY, type ConnectorsModuleOptions } from './connectors-options';
import { ConnectorsService } from './connectors.service';
import { ConnectorScheduler } from './scheduling/connector-scheduler';
import { AgreementStore } from './database/agreement.store';
import { ConnectorsController } from './http/connectors.controller';
import { AgreementPublisher } from './publishing/agreement.publisher';

/** Starts the agreement publisher once the app runs; stops it before the pool closes. */
class ConnectorsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly publisher: AgreementPublisher) {}

  onApplicationBootstrap(): void {
    this.publisher.begin();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher.end();
  }
}

/**
 * `/v1/connectors` (the management API) with the source runtime that runs the hosted connector
 * types. Needs (from the app) a TypeORM DataSource with `CONNECTORS_MIGRATIONS` and the `@stafett/api`
 * ones, `KafkaModule`, `StafettConfigModule` and `configureApiHttp`. The all-in-one and a connector
 * app both host it: `ConnectorsModule.forRoot({ connectors: [MemberFileConnector] })`.
 */
@Module({})
export class ConnectorsModule {
  static forRoot(options: ConnectorsModuleOptions = {}): DynamicModule {
    const classes = [...(options.connectors ?? [])];
    const providers: Provider[] = [
      ...classes,
      { provide: CONNECTORS_OPTIONS, useValue: options },
      {
        provide: CONNECTOR_TYPES,
        inject: classes,
        useFactory: (...connectors: SourceConnector[]) => {
          const types = new Map<string, SourceConnector>();
          for (const c of connectors) {
            const type = c.spec().type;
            if (types.has(type)) throw new Error(`two connectors of type ${type} are registered`);
            types.set(type, c);
          }
          return types;
        },
      },
      { provide: AgreementStore, inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => new AgreementStore(poolOf(dataSource)) },
      {
        provide: AgreementPublisher,
        inject: [KAFKA_CLIENT, AvroSerde, STAFETT_CONFIG, AgreementStore],
        useFactory: (kafka: KafkaClientPort, serde: AvroSerde, config: StafettConfig, store: AgreementStore) =>
          new AgreementPublisher(kafka, serde, new TopicNames(options.topicPrefix ?? config.topicPrefix), config.databaseUrl, store),
      },
      ConnectorScheduler,
      { provide: ConnectorsLifecycle, inject: [AgreementPublisher], useFactory: (p: AgreementPublisher) => new ConnectorsLifecycle(p) },
      options.organisationSubtrees
        ? { provide: ORGANISATION_SUBTREES, inject: options.organisationSubtrees.inject ?? [], useFactory: options.organisationSubtrees.useFactory }
        : { provide: ORGANISATION_SUBTREES, useValue: ROOT_ONLY },
      ConnectorsService,
    ];
    return {
      module: ConnectorsModule,
      imports: [
        ...(options.connectorImports ?? []),
        ...(options.organisationSubtrees?.imports ?? []),
        ApiModule,
        ConnectorRuntimeModule.forRoot(options.topicPrefix === undefined ? {} : { topicPrefix: options.topicPrefix }),
      ],
      controllers: [ConnectorsController],
      providers,
      exports: [ConnectorsService],
    };
  }
}
