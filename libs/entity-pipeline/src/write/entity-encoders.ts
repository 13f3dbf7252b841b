import type avro from 'avsc';
import { contractType, IMPORT_RESULT_CONTRACT, type ImportResult, type TopicNames } from '@stafett/contracts';
import type { AvroSerde, Encoder } from '@stafett/kafka';

/** The Avro encoders of an entity's three output topics (schemas registered once, at start). */
export interface EntityEncoders {
  readonly topics: {
    readonly events: string;
    readonly state: string;
    readonly results: string;
  };
  readonly event: Encoder<unknown>;
  readonly state: Encoder<unknown>;
  readonly result: Encoder<ResultValue>;
}

/** An ImportResult whose `entityType` may name an entity outside the canonical four (with its own result contract). */
export type ResultValue = Omit<ImportResult, 'entityType'> & {
  readonly entityType: string;
};

export async function createEntityEncoders(
  serde: AvroSerde,
  names: TopicNames,
  entity: string,
  contracts: { changed: avro.Type; state: avro.Type; result?: avro.Type },
): Promise<EntityEncoders> {
  const topics = {
    events: names.events(entity),
    state: names.state(entity),
    results: names.importResults,
  };
  const [event, state, result] = await Promise.all([
    serde.encoderFor<unknown>(topics.events, contracts.changed),
    serde.encoderFor<unknown>(topics.state, contracts.state),
    serde.encoderFor<ResultValue>(topics.results, contracts.result ?? contractType(IMPORT_RESULT_CONTRACT)),
  ]);
  return { topics, event, state, result };
}
