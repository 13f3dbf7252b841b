import { DynamicModule, Module } from '@nestjs/common';
import { PersonImportService } from './import/person-import.consumer';
import { PERSON_OPTIONS, type PersonModuleOptions } from './person-options';

/**
 * The person service: import consumer, outbox relay, REST `/v1/persons`. Needs (from the app) a
 * TypeORM DataSource with `PERSON_MIGRATIONS`, `KafkaModule` and `StafettConfigModule`.
 */
@Module({})
export class PersonModule {
  static forRoot(options: PersonModuleOptions = {}): DynamicModule {
    return {
      module: PersonModule,
      providers: [{ provide: PERSON_OPTIONS, useValue: options }, PersonImportService],
      exports: [PersonImportService],
    };
  }
}
