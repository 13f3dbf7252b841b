import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityName } from '@stafett/contracts';
import type { ConsumedMessage } from '@stafett/kafka';
import type { ChangeMessage } from '../connector';
import type { SinkTopic } from './sink-topics';

type ContextArgs = [message: ConsumedMessage, topic: SinkTopic];

/**
 * What `@Ctx()` gives a sink handler served by `StafettKafkaTransport`: where the message came
 * from (topic, partition, offset), its key (the entity id), its headers and its entity.
 */
export class StafettKafkaContext extends BaseRpcContext<ContextArgs> {
  constructor(message: ConsumedMessage, topic: SinkTopic) {
    super([message, topic]);
  }

  /** The topic consumed (with the configured prefix, if any). */
  getTopic(): string {
    return this.args[0].topic;
  }

  /** The pattern the handler declared, e.g. `stafett.person.events.v1`. */
  getPattern(): string {
    return this.args[1].pattern;
  }

  getEntity(): EntityName {
    return this.args[1].entity;
  }

  /** `events` (the change log, `<Entity>Changed` envelopes) or `state` (latest state, null after a delete). */
  getKind(): 'events' | 'state' {
    return this.args[1].kind;
  }

  getPartition(): number {
    return this.args[0].partition;
  }

  /** The offset, as a decimal string (Kafka offsets outgrow a JS number). */
  getOffset(): string {
    return this.args[0].offset;
  }

  /** The message key: the entity id. */
  getKey(): string {
    return this.args[0].key?.toString('utf8') ?? '';
  }

  getHeaders(): Readonly<Record<string, Buffer | undefined>> {
    return this.args[0].headers;
  }

  /** A header as UTF-8 text, or undefined. */
  getHeader(name: string): string | undefined {
    return this.args[0].headers[name]?.toString('utf8');
  }

  /** The broker timestamp of the message (milliseconds since the epoch, as a string). */
  getTimestamp(): string {
    return this.args[0].timestamp;
  }

  /** The raw consumed message (value still Avro bytes in the Confluent wire format). */
  getMessage(): ConsumedMessage {
    return this.args[0];
  }

  /** The message in the connector contract's shape, with its decoded value. */
  toChangeMessage<T>(value: T): ChangeMessage<T> {
    return { entity: this.getEntity(), topic: this.getTopic(), partition: this.getPartition(), offset: this.getOffset(), key: this.getKey(), value };
  }
}
