import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { CHANGES_ENTITIES, CHANGES_MIGRATIONS } from '@stafett/changes';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS } from '@stafett/imports';
import { PERSON_ENTITIES, PERSON_MIGRATIONS } from '@stafett/person';
import { SCHEMA_REGISTRY_ENTITIES, SCHEMA_REGISTRY_MIGRATIONS } from '@stafett/schema-registry';

/**
 * Every table of the platform: what the all-in-one process maps and what `main.js migrate` (the
 * Helm chart's migration Job) creates for every deployable. A new domain adds its lists here.
 */
export const PLATFORM_ENTITIES = [...SCHEMA_REGISTRY_ENTITIES, ...API_ENTITIES, ...PERSON_ENTITIES, ...IMPORTS_ENTITIES, ...CHANGES_ENTITIES];
export const PLATFORM_MIGRATIONS = [...SCHEMA_REGISTRY_MIGRATIONS, ...API_MIGRATIONS, ...PERSON_MIGRATIONS, ...IMPORTS_MIGRATIONS, ...CHANGES_MIGRATIONS];
