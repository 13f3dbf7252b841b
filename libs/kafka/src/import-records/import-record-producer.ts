import { contractType, entityContracts, IMPORT_SCOPE_HEADER, type EntityName, type ImportOp, type ImportSource, type TopicNames } from '@stafett/contracts';
import type { AvroSerde, Encoder } from '../avro-serde';
import type { KafkaClientPort, KafkaProducerPort, OutgoingMessage } from '../kafka-client.port';

/** An import record of any entity type (the contracts differ only in the payload). */
export interface ImportRecordValue {
  readonly recordId: string;
  readonly batchId: string;
  readonly source: ImportSource;
  readonly externalId: string;
  readonly op: ImportOp;
  readonly receivedAt: Date;
  readonly payload: Record<string, unknown> | null;
}

export interface EntityImportRecord {
  readonly entityType: EntityName;
  readonly value: ImportRecordValue;
}

/** Messages per producer call: keeps each partition's request well under the broker's 1 MB batch limit. */
const SEND_CHUNK = 500;

/**
 * Largest encoded import record: a person is a few hundred bytes; a bigger record is refused before
 * it is sent, as the broker would refuse it (its default limit is 1 MB per message) and no retry helps.
 */
export const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Produces import records to `stafett.<entity>.imports.v1` (Avro `se.stafett.<entity>.ImportRecord`,
 * key `<system>:<externalId>`) with one idempotent producer, resolving only once the broker
 * acknowledged every record. Framework-free: `POST /v1/imports` and the connector runtime share it.
 */
export class ImportRecordProducer {
  private producer: Promise<KafkaProducerPort> | undefined;
  private readonly encoders = new Map<EntityName, Promise<Encoder<ImportRecordValue>>>();

  constructor(
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly topics: TopicNames,
  ) {}

  /**
   * The records as the messages `send` produces (Avro, Confluent wire format), in order: their sizes
   * can be checked first. `scope`: the organisation the records are confined to, as the header
   * `stafett.scope` of every record (the domain service refuses records outside its subtree); null: none.
   */
  async encode(records: readonly EntityImportRecord[], scope: string | null = null): Promise<(OutgoingMessage & { value: Buffer })[]> {
    const encoders = new Map<EntityName, Encoder<ImportRecordValue>>();
    for (const entity of new Set(records.map((r) => r.entityType))) encoders.set(entity, await this.encoderFor(entity));
    return records.map(({ entityType, value }) => ({
      topic: this.topics.imports(entityType),
      key: `${value.source.system}:${value.externalId}`,
      value: encoders.get(entityType)!(value),
      ...(scope === null ? {} : { headers: { [IMPORT_SCOPE_HEADER]: scope } }),
    }));
  }

  /** Produces encoded records; resolves once the broker acknowledged every one. */
  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    const producer = await this.connected();
    for (let i = 0; i < messages.length; i += SEND_CHUNK) await producer.send(messages.slice(i, i + SEND_CHUNK));
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<KafkaProducerPort> {
    if (!this.producer) {
      const connecting = this.kafka.producer();
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined; // try again at the next call
      });
      this.producer = connecting;
    }
    return this.producer;
  }

  private encoderFor(entity: EntityName): Promise<Encoder<ImportRecordValue>> {
    let encoder = this.encoders.get(entity);
    if (!encoder) {
      encoder = this.serde.encoderFor<ImportRecordValue>(this.topics.imports(entity), contractType(entityContracts(entity).importRecord));
      encoder.catch(() => this.encoders.delete(entity));
      this.encoders.set(entity, encoder);
    }
    return encoder;
  }
}
