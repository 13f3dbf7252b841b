import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyVerifier } from './auth/api-key-verifier';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { API_ENTITIES } from './database/api-database';
import { ApiKeysController } from './keys/api-keys.controller';
import { ProblemDetailsFilter } from './problem/problem-details.filter';

/**
 * HTTP plumbing shared by every service's `/v1` controllers: API keys (verification, roles, the
 * bootstrap admin key at startup, `/v1/api-keys`), the guard — global, so every route of the app
 * needs a key unless it is `@PublicRoute()` — and problem+json for every error under `/v1`. Import
 * it in each module that declares `/v1` controllers; the app's default DataSource needs
 * `API_ENTITIES` and `API_MIGRATIONS`, and `StafettConfigModule`; wire HTTP with `configureApiHttp`.
 */
@Module({
  // Fails at boot, not at the first request, when the DataSource lacks the entity.
  imports: [TypeOrmModule.forFeature(API_ENTITIES)],
  controllers: [ApiKeysController],
  providers: [
    ApiKeyService,
    { provide: ApiKeyVerifier, useExisting: ApiKeyService },
    ApiKeyGuard,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    // Global, for errors before a controller is chosen (malformed JSON, unknown /v1 route); only /v1 paths become problems.
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
  exports: [ApiKeyService, ApiKeyVerifier, ApiKeyGuard],
})
export class ApiModule {}
