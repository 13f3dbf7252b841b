import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { contractType, topicDefinitions, type ConnectorAgreement, type TopicNames } from '@stafett/contracts';
import { provisionTopics, RetryingStart, type AvroSerde, type Encoder, type KafkaClientPort, type KafkaProducerPort } from '@stafett/kafka';
import { appendToOutbox, OutboxRelay } from '@stafett/outbox';
import type { AgreementStore } from '../database/agreement.store';
import { toContract, type AgreementDocument } from '../domain/agreement-schema';

const SCHEMA = 'connect';

/**
 * Publishes agreements to the compacted `stafett.connectors.v1` (key connectorId, Avro
 * ConnectorAgreement; a tombstone when a connector is deleted) through the `connect` outbox: the
 * row is written in the transaction that changes the agreement, the relay sends it after commit and
 * retries until the broker has it. At start every agreement is published again (idempotent: the
 * topic keeps the latest value per connector).
 */
export class AgreementPublisher {
  private readonly log = new Logger('connectors');
  private readonly start: RetryingStart;
  private encoder: Promise<Encoder<ConnectorAgreement>> | undefined;
  private relay: OutboxRelay | undefined;
  private producer: KafkaProducerPort | undefined;

  constructor(
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly topics: TopicNames,
    private readonly databaseUrl: string,
    private readonly store: AgreementStore,
  ) {
    this.start = new RetryingStart('agreement publisher', { warn: (o, m) => this.log.warn({ ...o, msg: m }) }, kafka.closing);
  }

  /** Appends the agreement's new value (or its tombstone) to the outbox, in the caller's transaction. */
  async append(tx: PoolClient, connectorId: string, agreement: AgreementDocument | null): Promise<void> {
    const value = agreement === null ? null : (await this.encode())(toContract(agreement));
    await appendToOutbox(tx, SCHEMA, [{ aggregateId: connectorId, messages: [{ topic: this.topics.connectors, key: connectorId, value }] }]);
  }

  begin(): void {
    this.start.begin(
      async () => {
        await provisionTopics(this.kafka, topicDefinitions({ prefix: this.topics.prefix }));
        await this.encode();
        this.producer = await this.kafka.producer();
        this.relay = new OutboxRelay({
          databaseUrl: this.databaseUrl,
          schema: SCHEMA,
          producer: this.producer,
          logger: { info: (o, m) => this.log.log({ ...o, msg: m }), warn: (o, m) => this.log.warn({ ...o, msg: m }), error: (o, m) => this.log.error({ ...o, msg: m }) },
        });
        this.relay.start();
        await this.republish();
      },
      () => this.halt(),
    );
  }

  async end(): Promise<void> {
    await this.start.stop();
    await this.halt();
  }

  private async republish(): Promise<void> {
    const all = await this.store.all();
    if (all.length === 0) return;
    await this.store.transaction(async (tx) => {
      for (const a of all) await this.append(tx, a.agreement.connectorId, a.agreement);
    });
    this.log.log({ connectors: all.length }, 'agreements published again at start');
  }

  private encode(): Promise<Encoder<ConnectorAgreement>> {
    if (!this.encoder) {
      const encoding = this.serde.encoderFor<ConnectorAgreement>(this.topics.connectors, contractType('se.stafett.connect.ConnectorAgreement'));
      encoding.catch(() => {
        if (this.encoder === encoding) this.encoder = undefined;
      });
      this.encoder = encoding;
    }
    return this.encoder;
  }

  private async halt(): Promise<void> {
    const { relay, producer } = this;
    this.relay = undefined;
    this.producer = undefined;
    await relay?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
}
