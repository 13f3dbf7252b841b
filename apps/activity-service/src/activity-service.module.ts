import { DynamicModule, Module } from '@nestjs/common';
import type { StafettConfig } from '@stafett/config';
import { ACTIVITY_ENTITIES, ACTIVITY_MIGRATIONS, ActivityModule } from '@stafett/activity';
import { domainServiceImports } from '@stafett/service-host';

/**
 * The activity service alone: imports, events, REST `/v1/activities`, and its projections of the
 * organisation, person and group state topics, against an external registry (SCHEMA_REGISTRY_URL).
 */
@Module({})
export class ActivityServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: ActivityServiceModule,
      imports: domainServiceImports(config, {
        serviceName: 'activity-service',
        entity: 'activity',
        entities: ACTIVITY_ENTITIES,
        migrations: ACTIVITY_MIGRATIONS,
        module: ActivityModule.forRoot(),
      }),
    };
  }
}
