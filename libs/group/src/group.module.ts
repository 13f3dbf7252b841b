import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiModule } from '@stafett/api';
import { EntityPipelineModule } from '@stafett/entity-pipeline';
import { GROUP_ENTITIES } from './database/group-entities';
import { GroupRepository } from './database/group.repository';
import { GroupRules } from './domain/group.rules';
import { GroupsController } from './http/groups.controller';
import { GroupWriteService } from './http/group-write.service';
import { GroupQueryService } from './http/queries/group-query.service';
import type { GroupModuleOptions } from './group-options';

/**
 * The group service: the group rules and tables on the shared entity pipeline (import consumer,
 * outbox relay, writer, projections of the organisation and person state topics), and REST
 * `/v1/groups`. Needs (from the app) a TypeORM DataSource with `GROUP_ENTITIES` + `API_ENTITIES`
 * and `GROUP_MIGRATIONS` + `API_MIGRATIONS`, `KafkaModule`, `StafettConfigModule`, and
 * `apiValidationPipe()` as global pipe.
 */
@Module({})
export class GroupModule {
  static forRoot(options: GroupModuleOptions = {}): DynamicModule {
    return {
      module: GroupModule,
      imports: [
        ApiModule,
        TypeOrmModule.forFeature(GROUP_ENTITIES),
        EntityPipelineModule.forEntity({
          entity: 'group',
          rules: GroupRules,
          repository: GroupRepository,
          projections: ['organisation', 'person'],
          ...(options.topicPrefix === undefined ? {} : { topicPrefix: options.topicPrefix }),
          consumer: {
            ...(options.consumerGroup === undefined ? {} : { consumerGroup: options.consumerGroup }),
            ...(options.importBatchSize === undefined ? {} : { batchSize: options.importBatchSize }),
          },
        }),
      ],
      controllers: [GroupsController],
      providers: [GroupWriteService, GroupQueryService],
    };
  }
}
