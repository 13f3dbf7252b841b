/** What a feed shows: a group's activities, an organisation's (with its whole subtree), or a person's own. */
export const FEED_KINDS = ['group', 'organisation', 'person'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];
