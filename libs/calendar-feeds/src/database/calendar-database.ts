import { CreateCalendarSchema1796500000000 } from './migrations/1796500000000-CreateCalendarSchema';

/** The calendar connector maps its rows by hand (raw row types): no TypeORM entities, only its migrations. */
export const CALENDAR_ENTITIES = [] as const;
export const CALENDAR_MIGRATIONS = [CreateCalendarSchema1796500000000];
