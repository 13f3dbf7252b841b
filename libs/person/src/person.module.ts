import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiModule } from '@stafett/api';
import { EntityPipelineModule } from '@stafett/entity-pipeline';
import { PERSON_ENTITIES } from './database/person-entities';
import { PersonRepository } from './database/person.repository';
import { PersonRules } from './domain/person.rules';
import { PersonsController } from './http/persons.controller';
import { PersonScopeService } from './http/person-scope.service';
import { PersonWriteService } from './http/person-write.service';
import { PersonQueryService } from './http/queries/person-query.service';
import type { PersonModuleOptions } from './person-options';

/**
 * The person service: the person rules and tables on the shared entity pipeline (import consumer,
 * outbox relay, writer), and REST `/v1/persons`. Needs (from the app) a TypeORM DataSource with
 * `PERSON_ENTITIES` + `API_ENTITIES` and `PERSON_MIGRATIONS` + `API_MIGRATIONS`, `KafkaModule`,
 * `StafettConfigModule`, and `apiValidationPipe()` as global pipe.
 */
@Module({})
export class PersonModule {
  static forRoot(options: PersonModuleOptions = {}): DynamicModule {
    return {
      module: PersonModule,
      imports: [
        ApiModule,
        TypeOrmModule.forFeature(PERSON_ENTITIES),
        EntityPipelineModule.forEntity({
          entity: 'person',
          rules: PersonRules,
          repository: PersonRepository,
          // Memberships and scoped keys resolve organisations from the organisation state topic.
          projections: ['organisation'],
          ...(options.topicPrefix === undefined ? {} : { topicPrefix: options.topicPrefix }),
          consumer: {
            ...(options.consumerGroup === undefined ? {} : { consumerGroup: options.consumerGroup }),
            ...(options.importBatchSize === undefined ? {} : { batchSize: options.importBatchSize }),
          },
        }),
      ],
      controllers: [PersonsController],
      providers: [PersonWriteService, PersonQueryService, PersonScopeService],
    };
  }
}
