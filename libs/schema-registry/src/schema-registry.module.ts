import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SCHEMA_REGISTRY_ENTITIES } from './database/schema-registry-data-source';
import { SchemaRegistryController } from './schema-registry.controller';
import { SchemaRegistryFallbackController } from './schema-registry-fallback.controller';
import { SchemaRegistryService } from './schema-registry.service';

/**
 * The built-in Confluent-compatible schema registry. Needs the app's default TypeORM DataSource
 * to include `SCHEMA_REGISTRY_ENTITIES` and `SCHEMA_REGISTRY_MIGRATIONS`. Serves at the root of
 * its module path: import it at the root of a standalone app, or mount it under a prefix with
 * `RouterModule.register([{ path: 'registry', module: SchemaRegistryModule }])`.
 */
@Module({
  // Fails at boot, not at the first request, when the DataSource lacks the registry's entities.
  imports: [TypeOrmModule.forFeature(SCHEMA_REGISTRY_ENTITIES)],
  // Order matters: the fallback's catch-all routes must come after the real ones.
  controllers: [SchemaRegistryController, SchemaRegistryFallbackController],
  providers: [SchemaRegistryService],
  exports: [SchemaRegistryService],
})
export class SchemaRegistryModule {}
