import { Global, Module } from '@nestjs/common';
import { TopicNames } from '@stafett/contracts';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { AvroSerde, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { AgreementBook } from './agreement-book';
import { AgreementBookFollower } from './agreement-book.follower';

/**
 * One `AgreementBook` per process, shared by every entity pipeline in it (the all-in-one process
 * follows the topic once), filled by one `AgreementBookFollower`, which the pipelines' lifecycles
 * begin and end together with their consumers (at once, so a shutdown while Kafka is away waits
 * for no start in flight one after the other). Global, so readiness checks can inject the book
 * (`checkAgreements`).
 */
@Global()
@Module({
  providers: [
    { provide: AgreementBook, useFactory: () => new AgreementBook() },
    {
      provide: AgreementBookFollower,
      inject: [AgreementBook, KAFKA_CLIENT, AvroSerde, STAFETT_CONFIG],
      useFactory: (book: AgreementBook, kafka: KafkaClientPort, serde: AvroSerde, config: StafettConfig) =>
        new AgreementBookFollower(book, kafka, serde, new TopicNames(config.topicPrefix)),
    },
  ],
  exports: [AgreementBook, AgreementBookFollower],
})
export class AgreementBookModule {}

/**
 * The agreements on `/health/ready`, for operators: whether they are loaded and how many. Never
 * down: until they are loaded the import consumers hold their records back (nothing is refused),
 * and REST does not depend on them; Kafka being away is the `kafka` check's to report.
 */
export async function checkAgreements(book: AgreementBook): Promise<Record<string, unknown>> {
  return { loaded: book.loaded, connectors: book.size };
}
