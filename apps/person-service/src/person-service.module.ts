import { DynamicModule, Module } from '@nestjs/common';
import type { StafettConfig } from '@stafett/config';
import { PERSON_ENTITIES, PERSON_MIGRATIONS, PersonModule } from '@stafett/person';
import { domainServiceImports } from '@stafett/service-host';

/** The person service alone: imports, events, REST, against an external registry (SCHEMA_REGISTRY_URL). */
@Module({})
export class PersonServiceModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: PersonServiceModule,
      imports: domainServiceImports(config, {
        serviceName: 'person-service',
        entity: 'person',
        entities: PERSON_ENTITIES,
        migrations: PERSON_MIGRATIONS,
        module: PersonModule.forRoot(),
      }),
    };
  }
}
