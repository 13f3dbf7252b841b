import type { INestApplication } from '@nestjs/common';
import { StafettKafkaTransport } from '@stafett/connector-sdk';
import type { StafettConfig } from '@stafett/config';
import { AvroSerde, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { register } from 'prom-client';

/** The connector instance id: its consumer group is `<prefix>stafett-connector-calendar`. */
export const CALENDAR_CONNECTOR_ID = 'calendar';

/**
 * Connects the calendar sink to an app that imports `CalendarFeedsModule` and `KafkaModule`
 * (a hybrid app: HTTP and the sink). Start it with `app.startAllMicroservices()`.
 */
export function connectCalendarSink(app: INestApplication, config: Pick<StafettConfig, 'topicPrefix'>): StafettKafkaTransport {
  const transport = new StafettKafkaTransport({
    connectorId: CALENDAR_CONNECTOR_ID,
    kafka: app.get<KafkaClientPort>(KAFKA_CLIENT),
    serde: app.get(AvroSerde),
    topicPrefix: config.topicPrefix,
    maxBatchSize: 500,
    partitionsConcurrently: 4,
    // The registry /metrics serves: stafett_connector_sink_messages_total{connector="calendar"}.
    registry: register,
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false });
  return transport;
}
