import { contractType, IMPORT_RESULT_CONTRACT, type ImportResult, type TopicNames } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import type { AvroSerde, Encoder, KafkaClientPort, KafkaProducerPort } from '@stafett/kafka';
import type { ImportRecordOf } from '../write/entity-writer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A REJECTED `ImportResult` (code DEAD_LETTERED) for an import record whose envelope decoded but
 * which failed permanently and went to the DLQ, so its batch still gets a result for every record
 * (DESIGN §4). Produced straight to the results topic, like the DLQ record itself (outside the
 * failed transaction); idempotent downstream (results are keyed and stored by record id). A record
 * whose ids are not uuids gets none: its ids cannot be trusted, and may be personal data.
 */
export class DeadLetterResults {
  private producer: Promise<KafkaProducerPort> | undefined;
  private encoder: Promise<Encoder<ImportResult>> | undefined;

  constructor(
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly topics: TopicNames,
    private readonly entity: string,
  ) {}

  async publish(record: ImportRecordOf<unknown>): Promise<void> {
    if (!UUID.test(record.recordId) || !UUID.test(record.batchId)) return;
    const topic = this.topics.importResults;
    this.encoder ??= this.serde.encoderFor<ImportResult>(topic, contractType(IMPORT_RESULT_CONTRACT));
    this.producer ??= this.kafka.producer();
    const [encode, producer] = await Promise.all([this.encoder, this.producer]).catch((e: unknown) => {
      this.encoder = undefined;
      this.producer = undefined;
      throw e;
    });
    const result: ImportResult = {
      recordId: record.recordId,
      batchId: record.batchId,
      entityType: this.entity as ImportResult['entityType'],
      // Without NUL characters, which no text column stores (they are a common reason to end here).
      externalId: record.externalId.split('\u0000').join('').slice(0, 200),
      outcome: 'REJECTED',
      entityId: null,
      version: null,
      reasons: [
        {
          code: ReasonCode.DEAD_LETTERED,
          field: null,
          message: 'The record could not be applied and was sent to the dead-letter topic; correct it at the source and send it again.',
        },
      ],
    };
    await producer.send([{ topic, key: record.recordId, value: encode(result) }]);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }
}
