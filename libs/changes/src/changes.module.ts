import { Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiModule } from '@stafett/api';
import { CHANGES_OPTIONS, changesSettingsProvider, type ChangesModuleOptions } from './changes-options';
import { ChangeLogConsumer } from './consumer/change-log.consumer';
import { ChangeLogStore } from './database/change-log.store';
import { changeLogStoreProvider, changesPoolProvider } from './database/changes-pool';
import { ChangesController } from './http/changes.controller';
import { ChangeQueryService } from './http/queries/change-query.service';
import { ChangeRenderer } from './http/queries/change-renderer';
import { ChangesMetrics } from './metrics/changes-metrics';
import { ChangeRetention } from './retention/change-retention';

/** Starts the consumer and the retention once the app runs; stops them before the database pool closes. */
class ChangesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly consumer: ChangeLogConsumer,
    private readonly retention: ChangeRetention,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer.begin();
    this.retention.begin();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.end();
    await this.retention.end();
  }
}

/**
 * `GET /v1/changes` and the change log behind it (`changes` schema). Needs (from the app) a TypeORM
 * DataSource with `CHANGES_MIGRATIONS` (+ `CHANGES_ENTITIES`) and the `@stafett/api` ones,
 * `KafkaModule`, `StafettConfigModule` and `apiValidationPipe()` (`configureApiHttp`).
 */
@Module({})
export class ChangesModule {
  static forRoot(options: ChangesModuleOptions = {}): DynamicModule {
    return {
      module: ChangesModule,
      imports: [ApiModule],
      controllers: [ChangesController],
      providers: [
        { provide: CHANGES_OPTIONS, useValue: options },
        changesSettingsProvider,
        changesPoolProvider,
        changeLogStoreProvider,
        ChangesMetrics,
        ChangeLogConsumer,
        ChangeRetention,
        ChangeRenderer,
        ChangeQueryService,
        { provide: ChangesLifecycle, inject: [ChangeLogConsumer, ChangeRetention], useFactory: (c: ChangeLogConsumer, r: ChangeRetention) => new ChangesLifecycle(c, r) },
      ],
      exports: [ChangeLogConsumer, ChangeRetention, ChangeLogStore],
    };
  }
}
