import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiModule } from '@stafett/api';
import { PERSON_ENTITIES } from './database/person-entities';
import { PersonsController } from './http/persons.controller';
import { PersonWriteService } from './http/person-write.service';
import { PersonQueryService } from './http/queries/person-query.service';
import { PersonImportService } from './import/person-import.consumer';
import { PERSON_OPTIONS, type PersonModuleOptions } from './person-options';

/**
 * The person service: import consumer, outbox relay, REST `/v1/persons`. Needs (from the app) a
 * TypeORM DataSource with `PERSON_ENTITIES` + `API_ENTITIES` and `PERSON_MIGRATIONS` +
 * `API_MIGRATIONS`, `KafkaModule`, `StafettConfigModule`, and `apiValidationPipe()` as global pipe.
 */
@Module({})
export class PersonModule {
  static forRoot(options: PersonModuleOptions = {}): DynamicModule {
    return {
      module: PersonModule,
      imports: [ApiModule, TypeOrmModule.forFeature(PERSON_ENTITIES)],
      controllers: [PersonsController],
      providers: [{ provide: PERSON_OPTIONS, useValue: options }, PersonImportService, PersonWriteService, PersonQueryService],
      exports: [PersonImportService],
    };
  }
}
