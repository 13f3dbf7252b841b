import { Injectable } from '@nestjs/common';
import { Problems } from '@stafett/api';
import { contractType, entityContracts } from '@stafett/contracts';
import { AvroSerde, isTransient } from '@stafett/kafka';
import type { StoredChange } from '../../database/change-log.store';
import { toJson, type AnyChanged, type Json } from '../../domain/change-row';

/**
 * A stored change as the API answers it: the event's bytes decoded with its writer schema (from the
 * registry, cached) into the entity's `<Entity>Changed` contract, written as JSON (dates
 * `YYYY-MM-DD`, instants ISO 8601 UTC, the contract's key order). A row stored as JSON before the log
 * kept the bytes is answered as it is.
 */
@Injectable()
export class ChangeRenderer {
  constructor(private readonly serde: AvroSerde) {}

  async render(change: StoredChange): Promise<Json> {
    if (change.avro === null) return change.event;
    try {
      return toJson(await this.serde.decode<AnyChanged>(change.avro, contractType(entityContracts(change.entity).changed)));
    } catch (e) {
      // A writer schema not seen since the start needs the registry; while it is away the page waits.
      if (isTransient(e)) throw Problems.unavailable('the schema registry, needed to read this part of the change log, cannot be reached; try again shortly');
      throw e;
    }
  }
}
