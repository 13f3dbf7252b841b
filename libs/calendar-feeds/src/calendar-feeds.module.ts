import { DynamicModule, Module } from '@nestjs/common';
import { ApiModule } from '@stafett/api';
import { CalendarFeedController } from './feeds/calendar-feed.controller';
import { CalendarFeedRepository } from './feeds/calendar-feed.repository';
import { CalendarFeedService } from './feeds/calendar-feed.service';
import { CalendarFeedsController } from './feeds/calendar-feeds.controller';
import { CalendarProjectionController } from './projection/calendar-projection.controller';
import { CalendarProjectionRepository } from './projection/calendar-projection.repository';

/**
 * The calendar connector: `/v1/calendar-feeds` (create, list, revoke), the feeds at
 * `/calendar/<token>.ics`, and the sink handlers that keep its projection (served by
 * `StafettKafkaTransport`: see `calendarSinkTransport`). The app's DataSource needs
 * `CALENDAR_MIGRATIONS` and the API keys' entities and migrations.
 */
@Module({})
export class CalendarFeedsModule {
  static forRoot(): DynamicModule {
    return {
      module: CalendarFeedsModule,
      imports: [ApiModule],
      controllers: [CalendarFeedsController, CalendarFeedController, CalendarProjectionController],
      providers: [CalendarProjectionRepository, CalendarFeedRepository, CalendarFeedService],
      exports: [CalendarFeedService],
    };
  }
}
