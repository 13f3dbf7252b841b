import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiModule } from '@stafett/api';
import { IMPORTS_ENTITIES } from './database/imports-database';
import { ImportRecordPublisher } from './import-record.publisher';
import { ImportResultsConsumer } from './import-results.consumer';
import { importsTopicsProvider } from './import-topics';
import { ImportsController } from './imports.controller';
import { IMPORTS_OPTIONS, type ImportsModuleOptions } from './imports-options';
import { ImportReportQuery } from './queries/import-report.query';
import { SubmitImportService } from './submit-import.service';

/**
 * `POST /v1/imports` and `GET /v1/imports/:batchId`. Needs (from the app) a TypeORM DataSource with
 * `IMPORTS_ENTITIES` + `API_ENTITIES` and `IMPORTS_MIGRATIONS` + `API_MIGRATIONS`, `KafkaModule`,
 * `StafettConfigModule`, `apiValidationPipe()` and a JSON body limit that fits 10,000 records.
 */
@Module({})
export class ImportsModule {
  static forRoot(options: ImportsModuleOptions = {}): DynamicModule {
    return {
      module: ImportsModule,
      imports: [ApiModule, TypeOrmModule.forFeature(IMPORTS_ENTITIES)],
      controllers: [ImportsController],
      providers: [{ provide: IMPORTS_OPTIONS, useValue: options }, importsTopicsProvider, ImportRecordPublisher, SubmitImportService, ImportResultsConsumer, ImportReportQuery],
    };
  }
}
