import { ACTIVITY_ENTITIES, ACTIVITY_MIGRATIONS } from '@stafett/activity';
import { API_ENTITIES, API_MIGRATIONS } from '@stafett/api';
import { CALENDAR_MIGRATIONS } from '@stafett/calendar-feeds';
import { CHANGES_ENTITIES, CHANGES_MIGRATIONS } from '@stafett/changes';
import { LOK_ENTITIES, LOK_MIGRATIONS } from '@stafett/lok';
import { CONNECTORS_MIGRATIONS } from '@stafett/connectors';
import { SHARED_REFERENCES_SCHEMA, sharedReferencesMigration } from '@stafett/entity-pipeline';
import { GROUP_ENTITIES, GROUP_MIGRATIONS } from '@stafett/group';
import { ORGANISATION_ENTITIES, ORGANISATION_MIGRATIONS } from '@stafett/organisation';
import { IMPORTS_ENTITIES, IMPORTS_MIGRATIONS } from '@stafett/imports';
import { PERSON_ENTITIES, PERSON_MIGRATIONS } from '@stafett/person';
import { SCHEMA_REGISTRY_ENTITIES, SCHEMA_REGISTRY_MIGRATIONS } from '@stafett/schema-registry';

/**
 * Every table of the platform: what the all-in-one process maps and what `main.js migrate` (the
 * Helm chart's migration Job) creates for every deployable. A new domain adds its lists here.
 */
export const PLATFORM_ENTITIES = [
  ...SCHEMA_REGISTRY_ENTITIES,
  ...API_ENTITIES,
  ...ORGANISATION_ENTITIES,
  ...PERSON_ENTITIES,
  ...GROUP_ENTITIES,
  ...ACTIVITY_ENTITIES,
  ...IMPORTS_ENTITIES,
  ...CHANGES_ENTITIES,
  ...LOK_ENTITIES,
];
export const PLATFORM_MIGRATIONS = [
  ...SCHEMA_REGISTRY_MIGRATIONS,
  ...API_MIGRATIONS,
  ...ORGANISATION_MIGRATIONS,
  ...PERSON_MIGRATIONS,
  ...GROUP_MIGRATIONS,
  ...ACTIVITY_MIGRATIONS,
  ...IMPORTS_MIGRATIONS,
  ...CHANGES_MIGRATIONS,
  ...LOK_MIGRATIONS,
  ...CONNECTORS_MIGRATIONS,
  ...CALENDAR_MIGRATIONS,
  // The projection the all-in-one's services share (SharedReferencesModule); a process per service keeps one in each schema.
  sharedReferencesMigration(SHARED_REFERENCES_SCHEMA, 1796700000000),
];

/** The entities whose imports the all-in-one takes at `POST /v1/imports` (its domain services). */
export const PLATFORM_IMPORT_ENTITIES = ['organisation', 'person', 'group', 'activity'] as const;
