import { DynamicModule, Module } from '@nestjs/common';
import type { StafettConfig } from '@stafett/config';
import { ORGANISATION_ENTITIES, ORGANISATION_MIGRATIONS, OrganisationModule } from '@stafett/organisation';
import { domainServiceImports } from '@stafett/service-host';

/** The organisation service alone: imports, events, REST, against an external registry (SCHEMA_REGISTRY_URL). */
@Module({})
export class OrganisationServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: OrganisationServiceModule,
      imports: domainServiceImports(config, {
        serviceName: 'organisation-service',
        entity: 'organisation',
        entities: ORGANISATION_ENTITIES,
        migrations: ORGANISATION_MIGRATIONS,
        module: OrganisationModule.forRoot(),
      }),
    };
  }
}
