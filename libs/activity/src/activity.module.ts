import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiModule } from '@stafett/api';
import { EntityPipelineModule } from '@stafett/entity-pipeline';
import type { ActivityModuleOptions } from './activity-options';
import { ACTIVITY_ENTITIES } from './database/activity-entities';
import { ActivityRepository } from './database/activity.repository';
import { ActivityRules } from './domain/activity.rules';
import { ActivitiesController } from './http/activities.controller';
import { ActivityWriteService } from './http/activity-write.service';
import { ActivityQueryService } from './http/queries/activity-query.service';

/**
 * The activity service: the activity rules and tables on the shared entity pipeline (import
 * consumer, outbox relay, writer, projections of organisations, persons and groups), and REST
 * `/v1/activities`. Needs (from the app) a TypeORM DataSource with `ACTIVITY_ENTITIES` +
 * `API_ENTITIES` and `ACTIVITY_MIGRATIONS` + `API_MIGRATIONS`, `KafkaModule`,
 * `StafettConfigModule`, and `apiValidationPipe()` as global pipe.
 */
@Module({})
export class ActivityModule {
  static forRoot(options: ActivityModuleOptions = {}): DynamicModule {
    return {
      module: ActivityModule,
      imports: [
        ApiModule,
        TypeOrmModule.forFeature(ACTIVITY_ENTITIES),
        EntityPipelineModule.forEntity({
          entity: 'activity',
          rules: ActivityRules,
          repository: ActivityRepository,
          projections: ['organisation', 'person', 'group'],
          ...(options.topicPrefix === undefined ? {} : { topicPrefix: options.topicPrefix }),
          consumer: {
            ...(options.consumerGroup === undefined ? {} : { consumerGroup: options.consumerGroup }),
            ...(options.importBatchSize === undefined ? {} : { batchSize: options.importBatchSize }),
          },
        }),
      ],
      controllers: [ActivitiesController],
      providers: [ActivityWriteService, ActivityQueryService],
    };
  }
}
