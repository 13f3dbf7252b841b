import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { FEED_KINDS, type FeedKind } from '../feed-kind';

/** `POST /v1/calendar-feeds`: what the feed shows. */
export class CreateCalendarFeedDto {
  @ApiProperty({
    enum: FEED_KINDS,
    description: 'group: its activities; organisation: the activities of it and its whole subtree; person: the activities the person takes part in',
  })
  @IsIn(FEED_KINDS)
  kind!: FeedKind;

  @ApiProperty({ format: 'uuid', description: 'The id of the group, organisation or person' })
  @IsUUID()
  id!: string;
}

export class CalendarFeedDto {
  @ApiProperty({ format: 'uuid' })
  feedId!: string;

  @ApiProperty({ enum: FEED_KINDS })
  kind!: FeedKind;

  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The name of the API key that created the feed' })
  createdBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CreatedCalendarFeedDto extends CalendarFeedDto {
  @ApiProperty({ description: 'The subscription URL, with its secret token: shown once, only here (only a hash is kept)', example: 'https://stafett.example/calendar/3q2-….ics' })
  url!: string;
}

export class CalendarFeedListDto {
  @ApiProperty({ type: [CalendarFeedDto] })
  items!: CalendarFeedDto[];
}
