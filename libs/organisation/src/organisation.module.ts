import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiModule } from '@stafett/api';
import { EntityPipelineModule } from '@stafett/entity-pipeline';
import { ORGANISATION_ENTITIES } from './database/organisation-entities';
import { OrganisationRepository } from './database/organisation.repository';
import { OrganisationRules } from './domain/organisation.rules';
import { OrganisationWriteService } from './http/organisation-write.service';
import { OrganisationsController } from './http/organisations.controller';
import { OrganisationQueryService } from './http/queries/organisation-query.service';
import type { OrganisationModuleOptions } from './organisation-options';

/**
 * The organisation service: the organisation rules and tables on the shared entity pipeline
 * (import consumer, outbox relay, writer), a projection of its own state topic (the organisation
 * edges behind the subtrees of scoped API keys), and REST `/v1/organisations`. Needs (from the app)
 * a TypeORM DataSource with `ORGANISATION_ENTITIES` + `API_ENTITIES` and `ORGANISATION_MIGRATIONS` +
 * `API_MIGRATIONS`, `KafkaModule`, `StafettConfigModule`, and `apiValidationPipe()` as global pipe.
 */
@Module({})
export class OrganisationModule {
  static forRoot(options: OrganisationModuleOptions = {}): DynamicModule {
    return {
      module: OrganisationModule,
      imports: [
        ApiModule,
        TypeOrmModule.forFeature(ORGANISATION_ENTITIES),
        EntityPipelineModule.forEntity({
          entity: 'organisation',
          rules: OrganisationRules,
          repository: OrganisationRepository,
          projections: ['organisation'],
          ...(options.topicPrefix === undefined ? {} : { topicPrefix: options.topicPrefix }),
          consumer: {
            ...(options.consumerGroup === undefined ? {} : { consumerGroup: options.consumerGroup }),
            ...(options.importBatchSize === undefined ? {} : { batchSize: options.importBatchSize }),
          },
        }),
      ],
      controllers: [OrganisationsController],
      providers: [OrganisationWriteService, OrganisationQueryService],
    };
  }
}
