export * from './calendar-feeds.module';
export * from './calendar-sink';
export { CALENDAR_ENTITIES, CALENDAR_MIGRATIONS } from './database/calendar-database';
export { CalendarFeedService, FEED_FUTURE_DAYS, FEED_PAST_DAYS, type FeedAnswer } from './feeds/calendar-feed.service';
export { FEED_KINDS, type FeedKind } from './feeds/feed-kind';
export { activityUid, renderFeed, type FeedActivity } from './feeds/feed-renderer';
export { ENTITY_VERSION_HEADER } from './projection/calendar-projection.controller';
export {
  CalendarProjectionRepository,
  type ProjectedActivity,
  type ProjectedGroup,
  type ProjectedOrganisation,
  type ProjectedPerson,
} from './projection/calendar-projection.repository';
