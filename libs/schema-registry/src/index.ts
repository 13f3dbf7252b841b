export {
  SCHEMA_REGISTRY_ENTITIES,
  SCHEMA_REGISTRY_MIGRATIONS,
  schemaRegistryDataSourceOptions,
  type SchemaRegistryDataSourceInput,
} from './database/schema-registry-data-source';
export { AvroCompatibility, type CompatibilityResult, type PreviousSchema } from './domain/avro-compatibility';
export { COMPATIBILITY_LEVELS, DEFAULT_COMPATIBILITY_LEVEL, type CompatibilityLevel } from './domain/compatibility-level';
export { SchemaRegistryModule } from './schema-registry.module';
export { SchemaRegistryNotFoundFilter } from './schema-registry-exception.filter';
export { startSchemaRegistry, type RunningSchemaRegistry, type StartSchemaRegistryOptions } from './start-schema-registry';
export { InProcessSchemaRegistryClient } from './in-process-schema-registry.client';
export { SchemaRegistryService } from './schema-registry.service';
export { registryWriteKeyProviders } from './registry-write-keys';
