import { Injectable, Logger } from '@nestjs/common';
import { Problems } from '@stafett/api';
import { contractType, entityContracts } from '@stafett/contracts';
import { AvroSerde, isTransient, StafettKafkaError } from '@stafett/kafka';
import type { StoredChange } from '../../database/change-log.store';
import { toJson, type AnyChanged, type Json } from '../../domain/change-row';
import { ChangesMetrics } from '../../metrics/changes-metrics';

/**
 * A stored change as the API answers it: the event's bytes decoded with its writer schema (from the
 * registry, cached) into the entity's `<Entity>Changed` contract as this version of the platform
 * has it, written as JSON (dates `YYYY-MM-DD`, instants ISO 8601 UTC, the contract's key order). A
 * row stored as JSON before the log kept the bytes is answered as it is.
 */
@Injectable()
export class ChangeRenderer {
  private readonly log = new Logger('changes');

  constructor(
    private readonly serde: AvroSerde,
    private readonly metrics: ChangesMetrics,
  ) {}

  /**
   * The row as JSON, or undefined when its bytes cannot be decoded for good (its writer schema was
   * deleted from the registry, or another registry answers): such a row is left out of the page,
   * logged by seq and counted, so a client's cursor still moves past it. While the registry is away
   * the request is answered 503.
   */
  async render(change: StoredChange): Promise<Json | undefined> {
    if (change.avro === null) return change.event;
    try {
      return toJson(await this.serde.decode<AnyChanged>(change.avro, contractType(entityContracts(change.entity).changed)));
    } catch (e) {
      // A writer schema not seen since the start needs the registry; while it is away the page waits.
      if (isTransient(e)) throw Problems.unavailable('the schema registry, needed to read this part of the change log, cannot be reached; try again shortly');
      const code = e instanceof StafettKafkaError ? e.code : 'UNDECODABLE';
      this.log.warn({ seq: change.seq, entity: change.entity, code }, 'a stored change cannot be decoded; left out of the page');
      this.metrics.unreadable.inc({ entity: change.entity });
      return undefined;
    }
  }
}
