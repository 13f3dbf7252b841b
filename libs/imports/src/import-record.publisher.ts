import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { TopicNames } from '@stafett/contracts';
import { AvroSerde, ImportRecordProducer, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { IMPORTS_TOPICS } from './import-topics';

export type { ImportRecordValue } from '@stafett/kafka';

/**
 * The imports API's producer of import records: `ImportRecordProducer` (libs/kafka, shared with the
 * connector runtime) as a Nest provider, disconnected before the app shuts down.
 */
@Injectable()
export class ImportRecordPublisher extends ImportRecordProducer implements BeforeApplicationShutdown {
  constructor(@Inject(KAFKA_CLIENT) kafka: KafkaClientPort, serde: AvroSerde, @Inject(IMPORTS_TOPICS) topics: TopicNames) {
    super(kafka, serde, topics);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
