import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { API_ENTITIES } from './database/api-database';
import { ProblemDetailsFilter } from './problem/problem-details.filter';

/**
 * HTTP plumbing shared by every service's `/v1` controllers: API keys (verification, the bootstrap
 * admin key at startup), the guard, and problem+json for every error under `/v1`. Import it in each module that declares `/v1` controllers;
 * the app's default DataSource needs `API_ENTITIES` and `API_MIGRATIONS`, and `StafettConfigModule`.
 */
@Module({
  // Fails at boot, not at the first request, when the DataSource lacks the entity.
  imports: [TypeOrmModule.forFeature(API_ENTITIES)],
  // Global, for errors before a controller is chosen (malformed JSON, unknown /v1 route); only /v1 paths become problems.
  providers: [ApiKeyService, ApiKeyGuard, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
  exports: [ApiKeyService, ApiKeyGuard],
})
export class ApiModule {}
