import { DynamicModule, Module } from '@nestjs/common';
import type { StafettConfig } from '@stafett/config';
import { GROUP_ENTITIES, GROUP_MIGRATIONS, GroupModule } from '@stafett/group';
import { domainServiceImports } from '@stafett/service-host';

/**
 * The group service alone: group imports, events, REST `/v1/groups` and `POST /v1/imports` for
 * groups, with its projections of the organisation and person state topics, against an external
 * registry (SCHEMA_REGISTRY_URL).
 */
@Module({})
export class GroupServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: GroupServiceModule,
      imports: domainServiceImports(config, {
        serviceName: 'group-service',
        entity: 'group',
        entities: GROUP_ENTITIES,
        migrations: GROUP_MIGRATIONS,
        module: GroupModule.forRoot(),
      }),
    };
  }
}
